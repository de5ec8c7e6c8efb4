import { describe, expect, it } from 'vitest';
import { mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

describe('UserAccount variants, Account', () => {
  it('UnixUserAccount → user-account object of type unix', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:ua-1"><cybox:Properties xsi:type="UnixUserAccountObj:UnixUserAccountObjectType" disabled="false">
        <UserAccountObj:Full_Name>Backdoor User</UserAccountObj:Full_Name><UserAccountObj:Home_Directory>/tmp/.x</UserAccountObj:Home_Directory>
        <UserAccountObj:Username>toor</UserAccountObj:Username>
        <UnixUserAccountObj:Group_ID>0</UnixUserAccountObj:Group_ID><UnixUserAccountObj:User_ID>0</UnixUserAccountObj:User_ID><UnixUserAccountObj:Login_Shell>/bin/sh</UnixUserAccountObj:Login_Shell>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.objects.map((o) => [o.uuid, o.name])).toEqual([[uuid('example:ua-1'), 'user-account']]);
    expect(rows(r.objects[0])).toEqual([
      ['username', 'text', 'Other', 'toor', false],
      ['display-name', 'text', 'Other', 'Backdoor User', false],
      ['home_dir', 'text', 'Other', '/tmp/.x', false],
      ['shell', 'text', 'Other', '/bin/sh', false],
      ['user-id', 'text', 'Other', '0', false],
      ['group-id', 'text', 'Other', '0', false],
      ['disabled', 'boolean', 'Other', '0', false],
      ['account-type', 'text', 'Other', 'unix', false],
    ]);
    expect(validationErrors(r)).toEqual([]);
  });

  it('WindowsUserAccount: SID as user id; Account → credential object', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-2"><cybox:Object id="example:wua-1"><cybox:Properties xsi:type="WinUserAccountObj:WindowsUserAccountObjectType">
        <UserAccountObj:Username>svc_backup</UserAccountObj:Username><WinUserAccountObj:Security_ID>S-1-5-21-1004</WinUserAccountObj:Security_ID></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-3"><cybox:Object id="example:acc-1"><cybox:Properties xsi:type="AccountObj:AccountObjectType">
        <AccountObj:Description>Stolen VPN account</AccountObj:Description><AccountObj:Domain>CORP</AccountObj:Domain>
        <AccountObj:Authentication><AccountObj:Authentication_Type>Password</AccountObj:Authentication_Type><AccountObj:Authentication_Data>Winter2015!</AccountObj:Authentication_Data></AccountObj:Authentication>
        </cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(r.objects.map((o) => [o.name, rows(o)])).toEqual([
      [
        'user-account',
        [
          ['username', 'text', 'Other', 'svc_backup', false],
          ['user-id', 'text', 'Other', 'S-1-5-21-1004', false],
          ['account-type', 'text', 'Other', 'windows-local', false],
        ],
      ],
      [
        'credential',
        [
          ['type', 'text', 'Other', 'password', false],
          ['password', 'text', 'Other', 'Winter2015!', false],
          ['text', 'text', 'Other', 'Stolen VPN account', false],
          ['origin', 'text', 'Other', 'CORP', false],
        ],
      ],
    ]);
    expect(validationErrors(r)).toEqual([]);
  });
});
