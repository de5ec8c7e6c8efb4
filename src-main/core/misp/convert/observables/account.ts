/**
 * Accounts: UserAccount / WindowsUserAccount / UnixUserAccount → `user-account` object (username, display name,
 * home directory, shell, user and group ids, groups, dates, disabled, password from Authentication); Account
 * (and other account kinds) → `credential` object (authentication type and data, description, domain as origin).
 * An account without username / user id / password falls back to loose attributes.
 */
import type { GenericElement } from '../../../stix/model/types';
import { Emitter, type Val } from './emit';

const AUTH_TYPES: Readonly<Record<string, string>> = { password: 'password', 'api key': 'api-key', 'encryption key': 'encryption-key' };

function authentication(props: GenericElement, em: Emitter): { types: Val[]; data: Val[]; format: Val[] } {
  const types: Val[] = [];
  const data: Val[] = [];
  const format: Val[] = [];
  for (const a of em.pathAll(props, 'Authentication')) {
    types.push(...em.readAt(a, 'Authentication_Type', 'Authentication_Type'));
    data.push(...em.readAt(a, 'Authentication_Data', 'Authentication_Data'));
    format.push(...em.readAt(a, 'Authentication_Token_Protection_Mechanism', 'Authentication_Token_Protection_Mechanism'));
  }
  return { types, data, format };
}

export function mapUserAccount(props: GenericElement, em: Emitter): void {
  const draft = em.object('user-account');
  draft.addAll('username', em.readAt(props, 'Username', 'Username'));
  draft.addAll('display-name', em.readAt(props, 'Full_Name', 'Full_Name'));
  draft.addAll('home_dir', em.readAt(props, 'Home_Directory', 'Home_Directory'));
  draft.addAll('shell', em.readAt(props, 'Login_Shell', 'Login_Shell'));
  draft.addAll('user-id', em.readAt(props, 'User_ID', 'User_ID'));
  draft.addAll('user-id', em.readAt(props, 'Security_ID', 'Security_ID'));
  draft.addAll('group-id', em.readAt(props, 'Group_ID', 'Group_ID'));
  draft.addAll('group', em.readAt(props, 'Group', 'Group_List', 'Group', 'Name'));
  draft.addAll('group', em.readAt(props, 'Group', 'Group_List', 'Group', 'Group_ID'));
  draft.addAll('last_login', em.readAt(props, 'Last_Login', 'Last_Login'));
  draft.addAll('created', em.readAt(props, 'Creation_Date', 'Creation_Date'));
  draft.addAll('description', em.readAt(props, 'Description', 'Description'));
  const auth = authentication(props, em);
  draft.addAll('password', auth.data);
  const disabled = props.attributes['disabled'];
  if (disabled !== undefined) draft.add('disabled', Emitter.val(disabled === 'true' ? '1' : '0', 'disabled'));
  const kind = em.cyboxType === 'UnixUserAccount' ? 'unix' : em.cyboxType === 'WindowsUserAccount' ? 'windows-local' : undefined;
  if (kind !== undefined && draft.size > 0) draft.add('account-type', Emitter.val(kind, 'object type'));
  draft.emit();
}

export function mapAccount(props: GenericElement, em: Emitter): void {
  const draft = em.object('credential');
  const auth = authentication(props, em);
  for (const t of auth.types) {
    const type = AUTH_TYPES[t.value.toLowerCase()];
    draft.add('type', { ...t, value: type ?? 'unknown' });
  }
  draft.addAll('password', auth.data);
  draft.addAll('username', em.readAt(props, 'Username', 'Username'));
  draft.addAll('text', em.readAt(props, 'Description', 'Description'));
  draft.addAll('origin', em.readAt(props, 'Domain', 'Domain'));
  draft.emit();
}
