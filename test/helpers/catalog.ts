import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { DEFAULT_MESSAGES_DIR } from '../../src/compose/catalog.ts';

const FEATURES_DIR = fileURLToPath(new URL('../fixtures/features/', import.meta.url));

/** A feature's words per locale, as test/fixtures/features/<name>.json holds them. */
export type FeatureWords = Record<string, Record<'impact' | 'advice' | 'tips' | 'problem', string[]>>;

export const featureWords = (name: string): FeatureWords => JSON.parse(readFileSync(path.join(FEATURES_DIR, `${name}.json`), 'utf8')) as FeatureWords;

/**
 * A copy of the shipped catalogs with feature `name` added as an operator would: its impact,
 * advice, tips and problem written into each locale's file (`locales` limits which), no code.
 */
export function catalogWithFeature(name: string, words: FeatureWords = featureWords(name), locales: readonly string[] = Object.keys(words)): string {
  const dir = mkdtempSync(path.join(tmpdir(), `herald-feature-${name}-`));
  cpSync(DEFAULT_MESSAGES_DIR, dir, { recursive: true });
  for (const locale of locales) {
    const file = path.join(dir, `${locale}.yaml`);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    for (const [kind, texts] of Object.entries(words[locale]!)) doc.setIn([kind, name], texts);
    writeFileSync(file, doc.toString({ lineWidth: 0 }));
  }
  return dir;
}

/** A copy of the shipped catalogs with `services:` display names: `{ KakaoTalk: { ko: '카카오톡', ... } }`. */
export function catalogWithServices(names: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-services-'));
  cpSync(DEFAULT_MESSAGES_DIR, dir, { recursive: true });
  for (const [service, byLocale] of Object.entries(names)) {
    for (const [locale, name] of Object.entries(byLocale)) {
      const file = path.join(dir, `${locale}.yaml`);
      const doc = parseDocument(readFileSync(file, 'utf8'));
      doc.setIn(['services', service], name);
      writeFileSync(file, doc.toString({ lineWidth: 0 }));
    }
  }
  return dir;
}

/** Sets `traits.<path>` to `value` in each of `locales`' files of the catalogs in `dir` (an operator's edit). */
export function setTraits(dir: string, keyPath: readonly string[], value: unknown, locales: readonly string[] = ['ko', 'en', 'ja']): string {
  for (const locale of locales) {
    const file = path.join(dir, `${locale}.yaml`);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.setIn(['traits', ...keyPath], doc.createNode(value));
    writeFileSync(file, doc.toString({ lineWidth: 0 }));
  }
  return dir;
}
