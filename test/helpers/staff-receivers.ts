import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One request a receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

/**
 * A local HTTP endpoint standing in for Slack's incoming webhook or an on-call tool: it records
 * every POST, and answers 500 to the next `failNext` requests before answering 200.
 */
export class HttpReceiver {
  readonly received: Received[] = [];
  failNext = 0;
  url = '';
  private server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500, { 'content-type': 'text/plain' }).end('internal_error');
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        this.received.push({ path: req.url ?? '', headers: req.headers, body, json, at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  }

  async start(path: string): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  close = () => new Promise<void>((r) => this.server.close(() => r()));
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  at: number;
}

/** A real SMTP server (smtp-server, from the nodemailer project) that keeps what it is sent. */
export class MailReceiver {
  readonly mails: Mail[] = [];
  url = '';
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        this.mails.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        callback();
      });
    },
  });

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  close = () => new Promise<void>((r) => this.server.close(() => r()));
}
