import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

describe('Mutex, Pipe, Semaphore, WindowsTask', () => {
  it('Mutex → mutex (cti-toolkit)', () => {
    const r = mapCorpus('Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml', 'NCCIC:Observable-01234567-6868-4ffd-babc-ba2ad0e34f43', { toIds: true });
    expect(r.attributes).toEqual([attr('NCCIC:Object-01234567-a8f9-4c14-ba58-292aa4a35eea', { type: 'mutex', category: 'Artifacts dropped', value: 'WIN_ABCDEF', to_ids: true })]);
  });

  it('WindowsPipe → named pipe (MAEC flow example); Semaphore → text; WindowsTask → windows-scheduled-task', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:pipe-1">
        <cybox:Properties xsi:type="WinPipeObj:WindowsPipeObjectType" named="true"><PipeObj:Name>lsarpc</PipeObj:Name></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-2"><cybox:Object id="example:sem-1">
        <cybox:Properties xsi:type="SemaphoreObj:SemaphoreObjectType"><SemaphoreObj:Name>Global\\sem</SemaphoreObj:Name></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-3"><cybox:Object id="example:task-1">
        <cybox:Properties xsi:type="WinTaskObj:WindowsTaskObjectType"><WinTaskObj:Name>GoogleUpdateTaskMachineUA</WinTaskObj:Name></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:pipe-1', { type: 'named pipe', category: 'Artifacts dropped', value: 'lsarpc', to_ids: true }),
      attr('example:sem-1', { type: 'text', category: 'Artifacts dropped', value: 'Global\\sem', to_ids: false, comment: 'Semaphore name (MISP has no semaphore type)' }),
      attr('example:task-1', { type: 'windows-scheduled-task', category: 'Artifacts dropped', value: 'GoogleUpdateTaskMachineUA', to_ids: true }),
    ]);
    expect(r.report.coverage.get('WindowsPipe')).toEqual({ mapped: 1, text: 0, skipped: 0 });
    expect(r.report.coverage.get('Semaphore')).toEqual({ mapped: 0, text: 1, skipped: 0 });
  });
});

describe('Process, WindowsProcess', () => {
  it('APT1: a process name or image path pattern → process object', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-4"><cybox:Object><cybox:Properties xsi:type="ProcessObj:ProcessObjectType">
        <ProcessObj:Image_Info><ProcessObj:Path condition="Contains">lssavp.exe</ProcessObj:Path></ProcessObj:Image_Info></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.objects.map((o) => [o.uuid, o.name, rows(o)])).toEqual([[uuid('example:Observable-4'), 'process', [['image', 'filename', 'Payload delivery', 'lssavp.exe', false]]]]);
  });

  it('a full process with a network connection (connected-to)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-5"><cybox:Object id="example:proc-1"><cybox:Properties xsi:type="ProcessObj:ProcessObjectType" is_hidden="true">
        <ProcessObj:PID>1234</ProcessObj:PID><ProcessObj:Name>svchost.exe</ProcessObj:Name><ProcessObj:Parent_PID>4</ProcessObj:Parent_PID>
        <ProcessObj:Image_Info><ProcessObj:Command_Line>svchost.exe -k netsvcs</ProcessObj:Command_Line></ProcessObj:Image_Info>
        <ProcessObj:Port_List><ProcessObj:Port><PortObj:Port_Value>8443</PortObj:Port_Value></ProcessObj:Port></ProcessObj:Port_List>
        <ProcessObj:Network_Connection_List><ProcessObj:Network_Connection><NetworkConnectionObj:Destination_Socket_Address><SocketAddressObj:IP_Address category="ipv4-addr">
          <AddressObj:Address_Value>203.0.113.50</AddressObj:Address_Value></SocketAddressObj:IP_Address></NetworkConnectionObj:Destination_Socket_Address></ProcessObj:Network_Connection></ProcessObj:Network_Connection_List>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    const [process, connection] = r.objects;
    expect(r.objects.map((o) => [o.uuid, o.name])).toEqual([
      [uuid('example:proc-1'), 'process'],
      [uuid('example:proc-1/network-connection'), 'network-connection'],
    ]);
    expect(rows(process)).toEqual([
      ['pid', 'text', 'Other', '1234', false],
      ['name', 'text', 'Other', 'svchost.exe', false],
      ['parent-pid', 'text', 'Other', '4', false],
      ['command-line', 'text', 'Other', 'svchost.exe -k netsvcs', false],
      ['port', 'port', 'Network activity', '8443', false],
      ['hidden', 'boolean', 'Other', '1', false],
    ]);
    expect(rows(connection)).toEqual([['ip-dst', 'ip-dst', 'Network activity', '203.0.113.50', true]]);
    expect(process?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['connected-to', connection?.uuid]]);
    expect(validationErrors(r)).toEqual([]);
  });

  it('WindowsProcess handles (APT1): a named Mutant → mutex; other handles → text', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-6"><cybox:Object><cybox:Properties xsi:type="WinProcessObj:WindowsProcessObjectType">
        <WinProcessObj:Handle_List><WinHandleObj:Handle><WinHandleObj:Name>ADR32</WinHandleObj:Name><WinHandleObj:Type>Mutant</WinHandleObj:Type></WinHandleObj:Handle></WinProcessObj:Handle_List></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-7"><cybox:Object><cybox:Properties xsi:type="WinProcessObj:WindowsProcessObjectType">
        <WinProcessObj:Handle_List><WinHandleObj:Handle><WinHandleObj:Name condition="Contains">AFX_Ideas_H</WinHandleObj:Name></WinHandleObj:Handle></WinProcessObj:Handle_List></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-8"><cybox:Object><cybox:Properties xsi:type="WinProcessObj:WindowsProcessObjectType">
        <WinProcessObj:Handle_List><WinHandleObj:Handle><WinHandleObj:Type>Mutant</WinHandleObj:Type></WinHandleObj:Handle></WinProcessObj:Handle_List></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:Observable-6', { type: 'mutex', category: 'Artifacts dropped', value: 'ADR32', to_ids: true, comment: 'Windows handle of type Mutant' }),
      attr('example:Observable-7', { type: 'text', category: 'Artifacts dropped', value: 'AFX_Ideas_H', to_ids: false, comment: 'CybOX pattern: Name Contains "AFX_Ideas_H" | WindowsProcess handle name' }),
      attr('example:Observable-8', { type: 'text', category: 'Artifacts dropped', value: 'Mutant', to_ids: false, comment: 'WindowsProcess handle type' }),
    ]);
    expect(r.report.coverage.get('WindowsProcess')).toEqual({ mapped: 1, text: 2, skipped: 0 });
  });
});

describe('WindowsService, System', () => {
  it('APT1 service fragments: name, DLL, description', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-9"><cybox:Object><cybox:Properties xsi:type="WinServiceObj:WindowsServiceObjectType">
        <WinServiceObj:Service_Name>RIP Listener</WinServiceObj:Service_Name></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-10"><cybox:Object><cybox:Properties xsi:type="WinServiceObj:WindowsServiceObjectType">
        <WinServiceObj:Service_DLL condition="Contains">\\setup.dll</WinServiceObj:Service_DLL></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-11"><cybox:Object><cybox:Properties xsi:type="WinServiceObj:WindowsServiceObjectType">
        <WinServiceObj:Description_List><WinServiceObj:Description>Collects and stores network configuration.</WinServiceObj:Description></WinServiceObj:Description_List></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:Observable-9', { type: 'windows-service-name', category: 'Artifacts dropped', value: 'RIP Listener', to_ids: true }),
      attr('example:Observable-10', { type: 'filename', category: 'Persistence mechanism', value: '\\setup.dll', to_ids: false, comment: 'CybOX pattern: Service_DLL Contains "\\setup.dll" | Windows service DLL' }),
      attr('example:Observable-11', { type: 'text', category: 'Artifacts dropped', value: 'Collects and stores network configuration.', to_ids: false, comment: 'Windows service description' }),
    ]);
  });

  it('System → hostname, the interfaces’ MAC and IP, the rest as text', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-12"><cybox:Object id="example:sys-1"><cybox:Properties xsi:type="SystemObj:SystemObjectType">
        <SystemObj:Hostname>WS-042</SystemObj:Hostname>
        <SystemObj:Network_Interface_List><SystemObj:Network_Interface><SystemObj:MAC>00:0C:29:AB:CD:EF</SystemObj:MAC>
          <SystemObj:IP_List><SystemObj:IP_Info><SystemObj:IP_Address category="ipv4-addr"><AddressObj:Address_Value>10.1.2.3</AddressObj:Address_Value></SystemObj:IP_Address></SystemObj:IP_Info></SystemObj:IP_List>
        </SystemObj:Network_Interface></SystemObj:Network_Interface_List><SystemObj:Username>jdoe</SystemObj:Username></cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(r.attributes.map((a) => [a.type, a.category, a.value])).toEqual([
      ['text', 'Network activity', 'WS-042'],
      ['mac-address', 'Network activity', '00:0c:29:ab:cd:ef'],
      ['ip-src', 'Network activity', '10.1.2.3'],
      ['text', 'Other', 'Username: jdoe'],
    ]);
    expect(validationErrors(r)).toEqual([]);
  });
});
