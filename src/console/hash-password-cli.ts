import { parseArgs } from 'node:util';
import type { CliCommand, CommandIo } from '../cli-command.ts';
import { hashPassword } from '../auth/users.ts';

const MIN_LENGTH = 12;

/** Reads one line without echoing it when a person types it; a pipe is read to its end. */
async function readSecret(io: CommandIo): Promise<string> {
  const input = io.stdin;
  if (!input) return '';
  if (!input.isTTY || !input.setRawMode) {
    let text = '';
    for await (const chunk of input) text += chunk.toString();
    return text.replace(/\r?\n$/, '');
  }
  io.err(io.tr.t('cli.hashPassword.prompt'));
  input.setRawMode(true);
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\u0003') return finish(new Error(io.tr.t('cli.hashPassword.cancelled')));
        if (ch === '\r' || ch === '\n') return finish();
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    const finish = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      io.err('\n');
      return err ? reject(err) : resolve(typed);
    };
    input.on('data', onData);
    input.resume();
  });
}

export const hashPasswordCommand: CliCommand = {
  usage: 'herald hash-password',
  async run(args, io) {
    parseArgs({ args, options: {}, allowPositionals: false });
    const password = await readSecret(io);
    if (password.length < MIN_LENGTH) {
      io.err(`${io.tr.t('cli.hashPassword.tooShort', { min: MIN_LENGTH, length: password.length })}\n`);
      return 2;
    }
    io.out(`${await hashPassword(password)}\n`);
    return 0;
  },
};
