// A request with any headers, Host included (fetch may not set Host): what a
// DNS-rebinding page or a hand-made client sends.
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function request(url: string, opts: { method?: string; headers?: OutgoingHttpHeaders; body?: string; socketPath?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers, socketPath: opts.socketPath }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
