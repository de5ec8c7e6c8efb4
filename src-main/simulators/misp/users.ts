/**
 * The test server's users: an API key each, an organisation, and a role with MISP's permission flags.
 */

export interface TestOrg {
  id: number;
  name: string;
  uuid: string;
}

export interface TestRole {
  name: string;
  perm_auth: boolean;
  perm_add: boolean;
  perm_modify: boolean;
  perm_publish: boolean;
  perm_tagger: boolean;
  perm_tag_editor: boolean;
  perm_site_admin: boolean;
  perm_sync: boolean;
}

export interface TestUser {
  id: number;
  key: string;
  email: string;
  org: TestOrg;
  role: TestRole;
  disabled: boolean;
}

export interface TestUserInit {
  key: string;
  email?: string;
  org?: TestOrg;
  role?: Partial<TestRole>;
  disabled?: boolean;
}

export const HOME_ORG: TestOrg = { id: 1, name: 'FLARE Test Org', uuid: '5f6e7d8c-1111-4a2b-9c3d-000000000001' };
export const OTHER_ORG: TestOrg = { id: 2, name: 'Another Org', uuid: '5f6e7d8c-2222-4a2b-9c3d-000000000002' };

/** MISP's stock roles, by the flags that matter here. */
export const ROLES = {
  orgAdmin: { name: 'Org Admin', perm_auth: true, perm_add: true, perm_modify: true, perm_publish: true, perm_tagger: true, perm_tag_editor: true, perm_site_admin: false, perm_sync: false },
  publisher: { name: 'Publisher', perm_auth: true, perm_add: true, perm_modify: true, perm_publish: true, perm_tagger: true, perm_tag_editor: false, perm_site_admin: false, perm_sync: false },
  user: { name: 'User', perm_auth: true, perm_add: true, perm_modify: true, perm_publish: false, perm_tagger: true, perm_tag_editor: false, perm_site_admin: false, perm_sync: false },
  readOnly: { name: 'Read Only', perm_auth: true, perm_add: false, perm_modify: false, perm_publish: false, perm_tagger: false, perm_tag_editor: false, perm_site_admin: false, perm_sync: false },
} satisfies Record<string, TestRole>;

/** The default user's key (40 letters and digits, like MISP's). */
export const TEST_MISP_KEY = 'FlareMispTestKey000000000000000000000001';

export function makeUsers(inits: readonly TestUserInit[] | undefined): TestUser[] {
  const list = inits && inits.length > 0 ? inits : [{ key: TEST_MISP_KEY }];
  return list.map((u, i) => ({
    id: i + 1,
    key: u.key,
    email: u.email ?? `user${i + 1}@flare.test`,
    org: u.org ?? HOME_ORG,
    role: { ...ROLES.orgAdmin, ...u.role },
    disabled: u.disabled ?? false,
  }));
}
