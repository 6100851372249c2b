/**
 * Words that hedge about who is affected ("some people may"). When everyone is affected (`total`
 * scope) a tweet must say so plainly: a hedge makes people think it is their phone, which is what
 * sends them to delete the app. lint-messages and the tests look for these.
 */
import { languageOf } from './locale-format.ts';

const HEDGES: Record<string, RegExp> = {
  ko: /일부 분|일부 사용자|않을 수 있|어려우실|실 거예요|수도 있어요|것 같아요/,
  en: /\bsome (people|users|of you)\b|\bmay\b|\bmight\b|\bperhaps\b/i,
  ja: /一部の(方|お客様|ユーザー)|場合があります|かもしれ/,
};

/** The hedge in `text`, if any, in the locale's words. */
export function findHedge(text: string, locale: string): string | undefined {
  return HEDGES[languageOf(locale)]?.exec(text)?.[0];
}
