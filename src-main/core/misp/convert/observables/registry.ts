/**
 * WindowsRegistryKey → `regkey` ("HIVE\key") when only the key is known; `regkey|value` ("HIVE\key|data") for a
 * key with one value's data and no value name, all exact; otherwise a `registry-key` object per value (key, name,
 * data, data-type; the hive as its own relation only when there is no key to prefix).
 */
import type { GenericElement } from '../../../stix/model/types';
import { normalizeValue, valueProblem } from '../../validate/index';
import type { Emitter, Val } from './emit';

/** `HKEY_LOCAL_MACHINE` + `\Software\X` → `HKEY_LOCAL_MACHINE\Software\X` (one separator). */
export function joinKey(hive: string | undefined, key: string): string {
  if (hive === undefined || hive === '') return key;
  return `${hive.replace(/\\+$/, '')}\\${key.replace(/^\\+/, '')}`;
}

export function mapWindowsRegistryKey(props: GenericElement, em: Emitter): void {
  const hives = em.readAt(props, 'Hive', 'Hive');
  const hive = hives.length === 1 && hives[0]!.exact ? hives[0] : undefined;
  const keys: Val[] = em.readAt(props, 'Key', 'Key').map((k) =>
    hive ? { ...k, value: joinKey(hive.value, k.value), notes: k.exact ? k.notes : [...k.notes, `(hive ${hive.value})`] } : k,
  );
  const values = em.pathAll(props, 'Values', 'Value').map((v) => ({
    names: em.readAt(v, 'Name', 'Name'),
    data: em.readAt(v, 'Data', 'Data'),
    types: em.readAt(v, 'Datatype', 'Datatype'),
  }));
  const withContent = values.filter((v) => v.names.length + v.data.length + v.types.length > 0);

  if (!em.wantsObject && keys.length >= 1 && withContent.length === 0) {
    em.attributesOrObject('regkey', keys, undefined);
    if (hives.length > 0 && !hive) for (const h of hives) em.text(h, 'WindowsRegistryKey Hive');
    return;
  }
  const [only] = withContent;
  const [key] = keys;
  if (!em.wantsObject && keys.length === 1 && key?.exact && withContent.length === 1 && only && only.names.length === 0 && only.types.length === 0 && only.data.length === 1) {
    const data = only.data[0]!;
    const value = `${key.value}|${data.value}`;
    if (data.exact && valueProblem('regkey|value', normalizeValue('regkey|value', value)) === undefined) {
      em.attribute('regkey|value', { value, exact: true, notes: [], field: 'Key and Data' });
      return;
    }
  }
  const groups = withContent.length > 0 ? withContent : [{ names: [], data: [], types: [] }];
  groups.forEach((g, i) => {
    const draft = em.object('registry-key');
    draft.addAll('key', keys, { category: 'Persistence mechanism' });
    if (!hive || keys.length === 0) draft.addAll('hive', hives, { category: 'Persistence mechanism' });
    draft.addAll('name', g.names, { category: 'Persistence mechanism' });
    draft.addAll('data', g.data, { category: 'Persistence mechanism' });
    draft.addAll('data-type', g.types, { category: 'Persistence mechanism' });
    draft.emit({ suffix: `registry-key/${i}` });
  });
}
