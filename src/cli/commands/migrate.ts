import { parse, withRuntime, type Command } from '../command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations and exit',
  usage: 'portcullis migrate [--config FILE]',
  async run(argv, io) {
    const { values } = parse(argv, {});
    // bootstrap() applies migrations; report what the database now has.
    await withRuntime(values.config, io, async () => io.out('database is up to date'), { provision: false });
    return 0;
  },
};
