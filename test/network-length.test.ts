import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MESSAGES_DIR, loadCatalog } from '../src/compose/catalog.ts';
import { composeTweet } from '../src/compose/compose.ts';
import { BLUESKY_LIMIT, X_LIMIT, graphemes, mastodonLength, mastodonLimit } from '../src/compose/network-length.ts';

const input = { kind: 'open' as const, incidentKey: 'talk-1', service: 'KakaoTalk', feature: 'messaging' as const, severity: 'major' as const, openedAt: '2026-05-20T00:00:00.000Z' };
/** A status link long enough to fit X (any link weighs 23) but not Bluesky (it counts every grapheme). */
const LONG_LINK = `https://status.example.com/${'a'.repeat(290)}/{key}`;

describe('measuring and composing a post for each network', () => {
  it('counts graphemes for Bluesky, not UTF-16 units', () => {
    assert.equal(graphemes('👩‍👩‍👧 카카오'), 5);
    assert.equal(BLUESKY_LIMIT.measure('👩‍👩‍👧'), 1);
  });

  it('counts every link as 23 on Mastodon, whatever its length', () => {
    assert.equal(mastodonLength(`down ${'https://status.example.com/' + 'x'.repeat(100)}`), 5 + 23);
  });

  it('keeps the long status link on X, where it weighs 23, and drops it on Bluesky, where it would not fit', () => {
    const catalog = loadCatalog(DEFAULT_MESSAGES_DIR, 'en');
    const options = { locale: 'en', timezone: 'UTC', statusUrl: LONG_LINK };
    const onX = composeTweet(catalog, input, { ...options, limit: X_LIMIT });
    const onBluesky = composeTweet(catalog, input, { ...options, limit: BLUESKY_LIMIT });
    assert.ok(onX.text.includes('https://status.example.com/'));
    assert.ok(!onBluesky.text.includes('https://'));
    assert.ok(graphemes(onBluesky.text) <= 300);
  });

  it('fits a Mastodon instance\'s small limit or says which limit no variant fits', () => {
    const catalog = loadCatalog(DEFAULT_MESSAGES_DIR, 'ja');
    const options = { locale: 'ja', timezone: 'Asia/Tokyo' };
    const tight = composeTweet(catalog, input, { ...options, limit: mastodonLimit(200) });
    assert.ok(mastodonLength(tight.text) <= 200);
    assert.throws(() => composeTweet(catalog, input, { ...options, limit: mastodonLimit(10) }), /10 characters \(Mastodon\)/);
  });
});
