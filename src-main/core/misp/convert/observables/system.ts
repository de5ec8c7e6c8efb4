/**
 * Host artefacts:
 * - Mutex / WindowsMutex → `mutex`; Pipe / WindowsPipe / UnixPipe → `named pipe`; Semaphore → `text`;
 *   WindowsTask → `windows-scheduled-task`.
 * - Process / WindowsProcess / UnixProcess → `process` object (pid, name, image, command line, parents, ports…),
 *   with a `network-connection` object per Network_Connection (`connected-to`). Windows handles: a named Mutant
 *   handle is a `mutex`; other handles are text.
 * - WindowsService → `windows-service-name`, `windows-service-displayname`, the service DLL as `filename`
 *   (Persistence mechanism), its hashes, descriptions as text; process fields as for a process.
 * - System / WindowsSystem → `hostname`, `mac-address` and `ip-src` of its interfaces (MISP's importer keeps only
 *   the first MAC), the rest as text.
 */
import type { GenericElement } from '../../../stix/model/types';
import { addressVals } from './address';
import { describeVal, Emitter, type Val } from './emit';
import { hashParts } from './file';
import { mapNetworkConnection } from './network';

const ARTIFACTS = { category: 'Artifacts dropped' };

export function mapMutex(props: GenericElement, em: Emitter): void {
  em.attributeEach('mutex', em.readAt(props, 'Name', 'Name'), ARTIFACTS);
}

export function mapPipe(props: GenericElement, em: Emitter): void {
  em.attributeEach('named pipe', em.readAt(props, 'Name', 'Name'), ARTIFACTS);
}

export function mapSemaphore(props: GenericElement, em: Emitter): void {
  for (const v of em.readAt(props, 'Name', 'Name')) em.text(v, `${em.cyboxType} name (MISP has no semaphore type)`, ARTIFACTS);
}

export function mapWindowsTask(props: GenericElement, em: Emitter): void {
  em.attributeEach('windows-scheduled-task', em.readAt(props, 'Name', 'Name'), ARTIFACTS);
  for (const v of em.readAt(props, 'Application_Name', 'Action_List', 'Action', 'IExecAction', 'Exec_Program_Path')) em.text(v, 'WindowsTask program path', ARTIFACTS);
}

/** Process fields as a `process` object; network connections beside it. Returns nothing. */
function emitProcess(props: GenericElement, em: Emitter, extra: (draft: ReturnType<Emitter['object']>) => void = () => undefined): void {
  const draft = em.object('process');
  draft.addAll('pid', em.readAt(props, 'PID', 'PID'));
  draft.addAll('name', em.readAt(props, 'Name', 'Name'));
  draft.addAll('creation-time', em.readAt(props, 'Creation_Time', 'Creation_Time'));
  draft.addAll('start-time', em.readAt(props, 'Start_Time', 'Start_Time'));
  draft.addAll('parent-pid', em.readAt(props, 'Parent_PID', 'Parent_PID'));
  draft.addAll('child-pid', em.readAt(props, 'Child_PID', 'Child_PID_List', 'Child_PID'));
  const image = em.path(props, 'Image_Info');
  draft.addAll('image', em.readAt(image, 'File_Name', 'File_Name'));
  draft.addAll('image', em.readAt(image, 'Path', 'Path'));
  draft.addAll('command-line', em.readAt(image, 'Command_Line', 'Command_Line'));
  draft.addAll('current-directory', em.readAt(image, 'Current_Directory', 'Current_Directory'));
  const args = em.readAt(props, 'Argument', 'Argument_List', 'Argument');
  if (args.length > 0) draft.add('args', { value: args.map((a) => a.value).join(' '), exact: args.every((a) => a.exact), notes: args.flatMap((a) => a.notes), field: 'Argument_List' });
  const env: string[] = [];
  for (const e of em.pathAll(props, 'Environment_Variable_List', 'Environment_Variable')) {
    const name = em.rawAt(e, 'Name');
    const value = em.rawAt(e, 'Value');
    if (name !== undefined) env.push(`${name}=${value ?? ''}`);
  }
  if (env.length > 0) draft.add('environment-variables', Emitter.val(env.join('\n'), 'Environment_Variable_List'));
  draft.addAll('port', em.readAt(props, 'Port_Value', 'Port_List', 'Port', 'Port_Value'));
  draft.addAll('user-creator', em.readAt(props, 'Username', 'Username'));
  if (props.attributes['is_hidden'] !== undefined) draft.add('hidden', Emitter.val(props.attributes['is_hidden'] === 'true' ? '1' : '0', 'is_hidden'));
  extra(draft);
  const process = draft.size > 0 ? draft.emit() : undefined;
  for (const nc of em.pathAll(props, 'Network_Connection_List', 'Network_Connection')) {
    const start = em.objects.length;
    mapNetworkConnection(nc, em);
    const connection = em.objects.slice(start).find((o) => o.name === 'network-connection');
    if (process && connection) em.reference(process, connection.uuid, 'connected-to');
  }
}

/** Windows handles: a named Mutant is a mutex; everything else is described as text. */
function emitHandles(props: GenericElement, em: Emitter): void {
  for (const h of em.pathAll(props, 'Handle_List', 'Handle')) {
    const names = em.readAt(h, 'Name', 'Name');
    const types = em.readAt(h, 'Type', 'Type');
    const type = types.length === 1 && types[0]!.exact ? types[0]!.value : undefined;
    if ((type === 'Mutant' || type === 'Mutex') && names.length > 0) {
      em.attributeEach('mutex', names, { ...ARTIFACTS, comment: 'Windows handle of type Mutant' });
      continue;
    }
    const typeText = types.map((t) => describeVal('handle type', t)).join(', ');
    for (const n of names) em.text(n, `${em.cyboxType} handle name${typeText ? ` (${typeText})` : ''}`, ARTIFACTS);
    if (names.length === 0) for (const t of types) em.text(t, `${em.cyboxType} handle type`, ARTIFACTS);
  }
}

export function mapProcess(props: GenericElement, em: Emitter): void {
  emitProcess(props, em);
  emitHandles(props, em);
  for (const v of em.readAt(props, 'Window_Title', 'Window_Title')) em.text(v, `${em.cyboxType} window title`, ARTIFACTS);
}

export function mapWindowsService(props: GenericElement, em: Emitter): void {
  em.attributeEach('windows-service-name', em.readAt(props, 'Service_Name', 'Service_Name'), ARTIFACTS);
  em.attributeEach('windows-service-displayname', em.readAt(props, 'Display_Name', 'Display_Name'), ARTIFACTS);
  em.attributeEach('filename', em.readAt(props, 'Service_DLL', 'Service_DLL'), { category: 'Persistence mechanism', comment: 'Windows service DLL' });
  for (const h of hashParts(em.path(props, 'Service_DLL_Hashes'), em, 'Service DLL hash')) {
    if (h.relation === 'text') em.text(h.val, 'Windows service DLL hash', { category: 'Persistence mechanism' });
    else em.attribute(h.relation, h.val, { category: 'Persistence mechanism', comment: 'Windows service DLL' });
  }
  for (const v of em.readAt(props, 'Description', 'Description_List', 'Description')) em.text(v, 'Windows service description', ARTIFACTS);
  for (const f of ['Startup_Command_Line', 'Service_Type', 'Startup_Type', 'Service_Status', 'Started_As', 'Group_Name', 'Service_DLL_Certificate_Subject', 'Service_DLL_Certificate_Issuer', 'Service_DLL_Signature_Description'] as const) {
    for (const v of em.readAt(props, f, f)) em.text(v, `Windows service ${f.replace(/_/g, ' ').toLowerCase()}`, ARTIFACTS);
  }
  // WindowsService extends WindowsProcess: its process fields, if any.
  if (props.children.some((c) => ['PID', 'Name', 'Image_Info', 'Parent_PID', 'Creation_Time'].includes(c.name))) emitProcess(props, em);
  emitHandles(props, em);
}

export function mapSystem(props: GenericElement, em: Emitter): void {
  em.attributeEach('hostname', em.readAt(props, 'Hostname', 'Hostname'));
  for (const nic of em.pathAll(props, 'Network_Interface_List', 'Network_Interface')) {
    em.attributeEach('mac-address', em.readAt(nic, 'MAC', 'MAC'));
    for (const ip of em.pathAll(nic, 'IP_List', 'IP_Info')) {
      for (const v of addressVals(em.path(ip, 'IP_Address'), em, 'IP_Address')) em.attribute('ip-src', v, { comment: `${em.cyboxType} network interface address` });
    }
  }
  const lines: Val[] = [];
  for (const f of ['Username', 'NetBios_Name', 'Domain', 'Product_Name', 'Registered_Owner', 'Registered_Organization', 'Timezone_Standard'] as const) {
    for (const v of em.readAt(props, f, f)) lines.push({ ...v, value: describeVal(f, v) });
  }
  for (const v of em.readAt(props, 'OS', 'OS', 'Platform')) lines.push({ ...v, value: describeVal('OS platform', v) });
  for (const l of lines) em.text(l, `${em.cyboxType}`);
}
