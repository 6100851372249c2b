import type { Config } from '../config.ts';
import { alertmanagerSource } from './alertmanager.ts';
import { datadogSource } from './datadog.ts';
import { genericSource } from './generic.ts';
import { grafanaSource } from './grafana.ts';
import { pagerdutySource } from './pagerduty.ts';
import type { Source } from './source.ts';

/** Every webhook route herald serves; a source whose secret is unset answers 404. */
export function webhookSources(config: Pick<Config, 'webhookToken' | 'sourceSecrets' | 'routes' | 'features'>): Source[] {
  const { sourceSecrets: secrets, routes, features } = config;
  return [
    genericSource(config.webhookToken, secrets.webhookHmac, features),
    alertmanagerSource(secrets.alertmanager, routes, features),
    grafanaSource(secrets.grafana, routes, features),
    pagerdutySource(secrets.pagerduty, routes, features),
    datadogSource(secrets.datadog, routes, features),
  ];
}
