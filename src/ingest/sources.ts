import type { Config } from '../config.ts';
import { alertmanagerSource } from './alertmanager.ts';
import { datadogSource } from './datadog.ts';
import { genericSource } from './generic.ts';
import { grafanaSource } from './grafana.ts';
import { pagerdutySource } from './pagerduty.ts';
import type { Source } from './source.ts';

/** Every webhook route herald serves; a source whose secret is unset answers 404. */
export function webhookSources(config: Pick<Config, 'webhookToken' | 'sourceSecrets' | 'routes' | 'features' | 'services'>): Source[] {
  const { sourceSecrets: secrets, routes, features, services } = config;
  return [
    genericSource(config.webhookToken, secrets.webhookHmac, features, services),
    alertmanagerSource(secrets.alertmanager, routes, features, services),
    grafanaSource(secrets.grafana, routes, features, services),
    pagerdutySource(secrets.pagerduty, routes, features, services),
    datadogSource(secrets.datadog, routes, features, services),
  ];
}
