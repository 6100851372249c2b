import type { Incident } from '../../src/incidents/model.ts';

/** An open KakaoTalk messaging incident as the store holds it, for tests that write records directly. */
export const storedIncident = (key: string, overrides: Partial<Incident> = {}): Incident => ({
  key,
  service: 'KakaoTalk',
  feature: 'messaging',
  severity: 'major',
  state: 'open',
  openedAt: '2026-05-20T00:00:00.000+09:00',
  firstSeenAt: '2026-05-19T15:00:00.000Z',
  events: 1,
  posts: [],
  ...overrides,
});
