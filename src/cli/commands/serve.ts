import { serve } from '../../main.ts';
import type { Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the server (the same as npm start)',
  usage: 'portcullis serve [--config FILE]',
  async run(argv) {
    await serve(argv);
    return 0;
  },
};
