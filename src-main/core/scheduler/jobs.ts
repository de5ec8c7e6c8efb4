/** The recurring runs a configuration asks for: one job per feed and process type (the old service had one). */
import type { Config } from '../config/config';
import { feedName } from '../pipeline/runs';
import type { JobSpec } from './scheduler';

/** The configured feed's collection, for the configured process type; none until the feed (and MISP) are set. */
export function jobSpecs(config: Config): JobSpec[] {
  const { taxii, misp, poll } = config;
  if (!taxii.configured || !taxii.collection) return [];
  if (poll.processType === 'stixToMisp' && !misp.configured) return [];
  return [
    {
      name: `poll-${taxii.collection}-${poll.processType}`,
      group: 'group1',
      processType: poll.processType,
      feed: feedName(taxii),
      collection: taxii.collection,
      schedule: poll.cron ? { kind: 'cron', pattern: poll.cron } : { kind: 'interval', minutes: poll.frequencyMinutes },
    },
  ];
}

