/**
 * The tracker record schema. tracker.avsc is the documented copy for people and other tools; this object is what
 * the code uses (a JSON import of a `.avsc` file works neither in every loader nor in the bundle), and
 * schema.test.ts fails when the two differ.
 */
import avro from 'avsc';

/** Bumped with every change to the fields; new fields need defaults so older files still resolve. */
export const SCHEMA_VERSION = 1;

export const TRACKER_SCHEMA = {
  "type": "record",
  "name": "TrackRecord",
  "namespace": "flare.misp.tracker",
  "doc": "One event in a STIX package's life: saved as XML, an upload intent, its result, a failure. The file holds these in append order; the latest record per (processType, packageId) is the package's state. Readers resolve older versions by the 'v' field and Avro schema resolution: new fields must have defaults.",
  "fields": [
    {
      "name": "v",
      "type": "int",
      "doc": "Version of this schema the record was written with (1)."
    },
    {
      "name": "packageId",
      "type": "string",
      "doc": "The STIX_Package id attribute, e.g. NCCIC:STIX_Package-<uuid>."
    },
    {
      "name": "contentHash",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "sha256 (hex) of the package's canonical XML; null for records imported from the old service."
    },
    {
      "name": "feed",
      "type": "string",
      "doc": "Name of the TAXII feed the package came from."
    },
    {
      "name": "collection",
      "type": "string",
      "doc": "TAXII collection the package was polled from."
    },
    {
      "name": "processType",
      "type": {
        "type": "enum",
        "name": "ProcessType",
        "symbols": [
          "xmlOutput",
          "stixToMisp"
        ],
        "doc": "xmlOutput: saved as an XML file; stixToMisp: sent to MISP."
      },
      "doc": "Which process handled the package: a package saved as XML is not thereby in MISP."
    },
    {
      "name": "outcome",
      "type": {
        "type": "enum",
        "name": "Outcome",
        "symbols": [
          "saved",
          "uploading",
          "uploaded",
          "updated",
          "duplicate",
          "failed",
          "quarantined",
          "legacy"
        ],
        "doc": "saved: XML file written; uploading: about to send (intent, written before the request); uploaded: new MISP event; updated: existing MISP event changed; duplicate: nothing to do; failed: attempt failed, will be retried; quarantined: kept aside with the reason; legacy: imported from the old service's tracker."
      },
      "doc": "What happened."
    },
    {
      "name": "mispEventId",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "MISP event id, when known."
    },
    {
      "name": "mispEventUuid",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "MISP event uuid, when known (derived from the package id)."
    },
    {
      "name": "published",
      "type": "boolean",
      "default": false,
      "doc": "Whether the MISP event was published."
    },
    {
      "name": "packageTimestamp",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "The package's timestamp attribute as written in the XML."
    },
    {
      "name": "recordedAt",
      "type": "long",
      "doc": "When this record was written, epoch milliseconds."
    },
    {
      "name": "runId",
      "type": [
        "null",
        "long"
      ],
      "default": null,
      "doc": "The run that wrote the record, if any."
    },
    {
      "name": "errorCode",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Stable error code of a failure."
    },
    {
      "name": "errorText",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "The failure as a sentence (MISP's answer, conversion error)."
    },
    {
      "name": "file",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "The file an xmlOutput run wrote."
    }
  ]
} as const;

/** The schema as written into a file header. */
export const SCHEMA_TEXT = JSON.stringify(TRACKER_SCHEMA);

export const recordType = avro.Type.forSchema(TRACKER_SCHEMA as unknown as avro.Schema);

/** The process types and outcomes in schema order: the enum index is what the file stores. */
export const PROCESS_TYPE_SYMBOLS = ['xmlOutput', 'stixToMisp'] as const;
export const OUTCOME_SYMBOLS = ['saved', 'uploading', 'uploaded', 'updated', 'duplicate', 'failed', 'quarantined', 'legacy'] as const;
