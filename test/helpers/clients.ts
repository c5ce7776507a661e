/**
 * Real protocol clients from Debian, run as processes: swaks and python3's smtplib.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  input?: string | Buffer,
  timeoutMs = 30_000,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(input);
  });
}

/** swaks against a local port; returns its transcript (stdout) and exit code. */
export function swaks(port: number, args: string[]): Promise<ProcessResult> {
  return run('swaks', ['--server', '127.0.0.1', '--port', String(port), '--hide-informational', ...args]);
}

/** A message from parent@example.org with this subject and body, delivered by swaks to the MX. */
export function swaksDeliver(
  port: number,
  to: string,
  subject: string,
  body: string,
  extra: string[] = [],
): Promise<ProcessResult> {
  return swaks(port, [
    '--from',
    'parent@example.org',
    '--to',
    to,
    '--header',
    `Subject: ${subject}`,
    '--body',
    body,
    ...extra,
  ]);
}

const SMTPLIB_SEND = `
import json, smtplib, sys
req = json.load(sys.stdin)
import ssl
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if req.get('implicit_tls'):
    s = smtplib.SMTP_SSL('127.0.0.1', req['port'], timeout=20, context=ctx)
else:
    s = smtplib.SMTP('127.0.0.1', req['port'], timeout=20)
result = {'ehlo': None, 'refused': {}, 'error': None}
try:
    code, msg = s.ehlo('client.example.org')
    result['ehlo'] = msg.decode()
    if req.get('starttls'):
        s.starttls(context=ctx)
        code, msg = s.ehlo('client.example.org')
        result['ehlo_tls'] = msg.decode()
    if req.get('user'):
        s.login(req['user'], req['password'])
    refused = s.sendmail(req['from'], req['to'], req['message'].encode('latin-1'), mail_options=req.get('mail_options', []))
    result['refused'] = {k: [v[0], v[1].decode()] for k, v in refused.items()}
except smtplib.SMTPRecipientsRefused as e:
    result['error'] = {'type': 'recipients', 'detail': {k: [v[0], v[1].decode()] for k, v in e.recipients.items()}}
except smtplib.SMTPResponseException as e:
    result['error'] = {'type': type(e).__name__, 'code': e.smtp_code, 'message': e.smtp_error.decode()}
finally:
    try: s.quit()
    except Exception: pass
print(json.dumps(result))
`;

export interface SmtplibResult {
  ehlo: string | null;
  ehlo_tls?: string;
  refused: Record<string, [number, string]>;
  error: null | { type: string; code?: number; message?: string; detail?: Record<string, [number, string]> };
}

/** Sends one message with python3 smtplib (optionally after STARTTLS). The message is bytes as latin-1. */
export async function smtplibSend(request: {
  port: number;
  from: string;
  to: string[];
  message: Buffer;
  starttls?: boolean;
  implicitTls?: boolean;
  user?: string;
  password?: string;
  mailOptions?: string[];
}): Promise<SmtplibResult> {
  const result = await run(
    'python3',
    ['-c', SMTPLIB_SEND],
    JSON.stringify({
      port: request.port,
      from: request.from,
      to: request.to,
      message: request.message.toString('latin1'),
      starttls: request.starttls ?? false,
      implicit_tls: request.implicitTls ?? false,
      user: request.user ?? null,
      password: request.password ?? null,
      mail_options: request.mailOptions ?? [],
    }),
  );
  if (result.code !== 0) throw new Error(`smtplib failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as SmtplibResult;
}
