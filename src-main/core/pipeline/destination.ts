/**
 * The MISP destination of the configuration: one MISP client (one connection pool) and the event settings the
 * converter takes, with the sharing group written as uuid or name resolved to MISP's id once — shared by the runs
 * (which upload) and by the preview (which shows what an upload would send). Uploads in either import mode end in
 * one outcome type.
 */
import type { MispConfig } from '../config/config';
import { errorMessage, FlareError } from '../errors';
import { withContext, type LogContext, type Logger } from '../log/types';
import { MispClient } from '../misp/client/client';
import { mispClientOptionsFromConfig } from '../misp/client/from-config';
import { buildEvent, decide, policySettings, readMarkings, type BuiltEvent, type EventSettings } from '../misp/convert/event/index';
import { policyMarkings } from '../misp/convert/event/markings';
import type { EventDistribution } from '../misp/model';
import type { ExtractedPackage } from '../stix/index';

/** What an upload did, whichever import mode. */
export interface UploadOutcome {
  outcome: 'created' | 'updated' | 'duplicate';
  eventId?: string;
  eventUuid?: string;
  published: boolean;
  warnings: string[];
}

/** How long a preview waits for MISP to name a sharing group before going on offline. */
const PREVIEW_LOOKUP_MS = 10_000;

export class MispDestination {
  readonly client: MispClient | undefined;
  private groupId: Promise<number | undefined> | undefined;
  /** The context of the run using the client now: its MISP lines carry that run's id. */
  private context: LogContext | undefined;

  constructor(
    readonly misp: MispConfig,
    log: Logger,
  ) {
    this.client = misp.configured ? new MispClient(mispClientOptionsFromConfig(misp, { logger: withContext(log.child('misp'), () => this.context) })) : undefined;
  }

  /** The run that sends through this destination from now on (one stixToMisp run of a feed at a time). */
  useFor(context: LogContext | undefined): void {
    this.context = context;
  }

  private get needsGroupLookup(): boolean {
    const written = this.misp.sharingGroup?.trim();
    if (!this.misp.configured || !written || /^[0-9]+$/.test(written)) return false;
    return this.misp.distribution === 4 || Object.values(this.misp.distributionPolicy).includes(4);
  }

  private requireClient(): MispClient {
    if (!this.client) throw new FlareError('misp_not_configured', 'The MISP server is not configured.', { hint: 'Set flare.misp.url (the MISP root URL) and misp.authorization.key (or FLARE_MISP_KEY).' });
    return this.client;
  }

  /** The sharing group's id, asked of MISP once (a failure is not remembered: the next call asks again). */
  private sharingGroupId(): Promise<number | undefined> {
    if (!this.needsGroupLookup) return Promise.resolve(undefined);
    this.groupId ??= this.requireClient()
      .sharingGroup()
      .then((g) => g?.id)
      .catch((e: unknown) => {
        this.groupId = undefined;
        throw e;
      });
    return this.groupId;
  }

  /** The converter's settings for an upload; throws when the sharing group cannot be resolved. */
  async settings(): Promise<EventSettings> {
    const id = await this.sharingGroupId();
    return { ...this.misp, ...(id !== undefined && { sharingGroupId: id }) };
  }

  /**
   * The settings for a preview: like an upload's when MISP answers within 10 s, otherwise offline (the event then
   * stays in the organisation) with the reason.
   */
  async previewSettings(): Promise<{ settings: EventSettings; problem?: string }> {
    if (!this.needsGroupLookup) return { settings: { ...this.misp } };
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FlareError('misp_timeout', `MISP did not answer within ${PREVIEW_LOOKUP_MS / 1000} s.`)), PREVIEW_LOOKUP_MS);
      });
      return { settings: await Promise.race([this.settings(), timeout]) };
    } catch (e) {
      const hint = e instanceof FlareError && e.hint ? ` ${e.hint}` : '';
      return { settings: { ...this.misp }, problem: `The sharing group "${this.misp.sharingGroup}" could not be looked up in MISP for this preview: ${errorMessage(e)}${hint}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Native mode's event for a package. */
  build(pkg: ExtractedPackage, settings: EventSettings): BuiltEvent {
    return buildEvent(pkg, { misp: settings });
  }

  /** Native mode: make MISP hold exactly this event (looked up first, so a retry never uploads twice). */
  async upsert(built: BuiltEvent): Promise<UploadOutcome> {
    const r = await this.requireClient().upsert(built.event);
    return { outcome: r.outcome, eventUuid: r.uuid, ...(r.eventId !== undefined && { eventId: r.eventId }), published: r.published, warnings: r.warnings };
  }

  /** Stix mode: MISP's own importer, at the distribution the package's markings allow. */
  async uploadStix(pkg: ExtractedPackage, packageId: string, settings: EventSettings): Promise<UploadOutcome> {
    const decision = decide(policyMarkings(readMarkings(pkg.model.header?.handling ?? []), true), policySettings(settings))!;
    const r = await this.requireClient().uploadStix({
      packageId,
      xml: pkg.xml,
      contentHash: pkg.hash,
      distribution: decision.distribution as EventDistribution,
      ...(decision.sharingGroupId !== undefined && { sharingGroupId: decision.sharingGroupId }),
    });
    return { outcome: r.outcome, eventId: r.eventId, ...(r.uuid !== undefined && { eventUuid: r.uuid }), published: r.published, warnings: r.warnings };
  }

  /** MISP requests sent so far (benchmarks: requests per package). */
  get requestCount(): number {
    return this.client?.requestCount ?? 0;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
