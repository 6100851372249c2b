// Placeholder signature; the compose helper replaces this file.
import type { Feature, PostKind, Severity } from '../incidents/model.ts';

export interface ComposeInput {
  kind: PostKind;
  incidentKey: string;
  service: string;
  feature: Feature;
  severity: Severity;
  openedAt: string;
  resolvedAt?: string;
  /** Added to the deterministic variant choice, e.g. after a duplicate-content refusal. */
  variantOffset?: number;
}

export interface ComposeOptions {
  locale: string;
  timezone: string;
  statusUrl?: string;
}

export interface ComposedTweet {
  text: string;
  weightedLength: number;
  variant: number;
}
