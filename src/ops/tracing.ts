/**
 * OpenTelemetry tracing, only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: a server span per
 * HTTP request (continuing a W3C `traceparent`) and a client span per database statement,
 * exported over OTLP/HTTP. Unset, nothing is loaded or registered: no hooks, no plugin, no cost.
 *
 * Span attributes name the route pattern, the method, the status and the kind of statement —
 * never a query string, a body, SQL parameters or a header value.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Span, Tracer } from '@opentelemetry/api';

interface Tracing {
  api: typeof import('@opentelemetry/api');
  tracer: Tracer;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** Starts the exporter when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the exporter reads the standard OTEL_* variables). */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (active || !env['OTEL_EXPORTER_OTLP_ENDPOINT']) return;
  const api = await import('@opentelemetry/api');
  const { NodeTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] || 'portcullis' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Registers the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  active = { api, tracer: api.trace.getTracer('portcullis'), shutdown: () => provider.shutdown() };
}

/** Flushes and stops the exporter (on shutdown). */
export async function stopTracing(): Promise<void> {
  const tracing = active;
  active = undefined;
  await tracing?.shutdown();
}

const spans = new WeakMap<FastifyRequest, Span>();

/** A server span around every request; the handler runs inside its context, so database spans nest under it. */
export function tracingHooks(app: FastifyInstance): void {
  const tracing = active;
  if (!tracing) return;
  const { api, tracer } = tracing;
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = api.propagation.extract(api.context.active(), request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    spans.set(request, span);
    api.context.with(api.trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
  });
}

/** Kysely plugins for the active tracing: one client span per statement. Empty when tracing is off. */
export function tracingPlugins(dialect: 'sqlite' | 'postgres'): KyselyPlugin[] {
  const tracing = active;
  if (!tracing) return [];
  const { api, tracer } = tracing;
  const open = new WeakMap<object, Span>();
  return [
    {
      transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
        const operation = args.node.kind.replace(/QueryNode$|Node$/, '').toLowerCase();
        open.set(args.queryId, tracer.startSpan(`db ${operation}`, { kind: api.SpanKind.CLIENT, attributes: { 'db.system': dialect === 'postgres' ? 'postgresql' : 'sqlite', 'db.operation.name': operation } }));
        return args.node;
      },
      async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        const span = open.get(args.queryId);
        open.delete(args.queryId);
        span?.end();
        return args.result;
      },
    },
  ];
}
