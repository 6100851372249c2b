import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadApprovalPolicy } from '../src/approval/policy-file.ts';
import { decideApproval, DEFAULT_TIMEOUTS, type ApprovalPolicy } from '../src/approval/policy.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { tempFile } from './helpers/console.ts';

const subject = { severity: 'major', feature: 'messaging', source: 'generic' } as const;

describe('the approval policy', () => {
  it('posts at once when nothing asks for approval', () => {
    assert.equal(decideApproval({ required: false, rules: [] }, subject).hold, false);
  });

  it('holds every post with HERALD_APPROVAL=required, with the severity defaults', () => {
    const decision = decideApproval({ required: true, rules: [] }, { ...subject, severity: 'minor' });
    assert.deepEqual(decision, { hold: true, rule: 'HERALD_APPROVAL=required', ...DEFAULT_TIMEOUTS.minor });
  });

  it('posts critical drafts anyway and lets minor ones expire by default', () => {
    assert.equal(DEFAULT_TIMEOUTS.critical.onTimeout, 'post');
    assert.equal(DEFAULT_TIMEOUTS.minor.onTimeout, 'expire');
  });

  it('applies the first rule that matches severity, source and feature', () => {
    const policy: ApprovalPolicy = {
      required: false,
      rules: [
        { severity: ['major'], source: ['grafana'], approval: 'required', timeoutMs: 1000, onTimeout: 'expire' },
        { severity: ['major'], feature: ['messaging'], approval: 'required', timeoutMs: 2000 },
        { approval: 'auto' },
      ],
    };
    assert.deepEqual(decideApproval(policy, { ...subject, source: 'grafana' }), { hold: true, rule: 'rule 1 (severity major, source grafana)', timeoutMs: 1000, onTimeout: 'expire' });
    assert.deepEqual(decideApproval(policy, subject), { hold: true, rule: 'rule 2 (severity major, feature messaging)', timeoutMs: 2000, onTimeout: 'post' });
    assert.equal(decideApproval(policy, { ...subject, feature: 'login' }).hold, false);
  });

  it('holds what a person wrote by hand even where the rules post at once', () => {
    const decision = decideApproval({ required: false, rules: [{ approval: 'auto', timeoutMs: 5000 }] }, { ...subject, source: 'console' });
    assert.deepEqual(decision, { hold: true, rule: 'made by hand', timeoutMs: 5000, onTimeout: 'post' });
  });
});

describe('the approval rules file', () => {
  it('reads single values and lists, and fractions of a second', () => {
    const file = tempFile('rules.yaml', 'rules:\n  - severity: critical\n    source: [grafana, generic]\n    approval: required\n    timeoutSeconds: 0.25\n');
    const { policy, problems } = loadApprovalPolicy('auto', file);
    assert.deepEqual(problems, []);
    assert.deepEqual(policy!.rules[0], { severity: ['critical'], source: ['grafana', 'generic'], approval: 'required', timeoutMs: 250 });
  });

  it('names every problem in a bad rules file, and herald refuses to start with it', () => {
    const file = tempFile('rules.yaml', 'rules:\n  - severity: huge\n    approval: maybe\n    onTimeout: shrug\n');
    const { problems } = loadApprovalPolicy('auto', file);
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /rules\.0\.severity/);
    assert.match(problems.join('\n'), /rules\.0\.approval/);
    assert.match(problems.join('\n'), /rules\.0\.onTimeout/);
    assert.throws(() => loadConfig({ HERALD_APPROVAL_RULES: file }), ConfigError);
  });

  it('refuses a users file that holds a password instead of a hash', () => {
    const file = tempFile('users.yaml', 'users:\n  - name: mina\n    role: admin\n    passwordHash: hunter2\n');
    assert.throws(
      () => loadConfig({ HERALD_USERS_FILE: file }),
      (err: unknown) => err instanceof ConfigError && /users\.0\.passwordHash: not an Argon2id hash/.test(err.message),
    );
  });

  it('refuses an approval mode it does not know', () => {
    assert.throws(() => loadConfig({ HERALD_APPROVAL: 'sometimes' }), ConfigError);
  });
});
