/** Messages between a worker and the cluster primary (process IPC). */
export const METRICS_REQUEST = 'portcullis:metrics-request';
export const METRICS_REPLY = 'portcullis:metrics-reply';

export interface MetricsReply {
  type: typeof METRICS_REPLY;
  id: number;
  contentType: string;
  text: string;
  error?: string;
}
