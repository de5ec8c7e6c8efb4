import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';
import { itWithCorpus } from '../../../../../test/support/corpus';

const CTI = 'Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml';
const PIVY = 'STIXProject__schemas/samples/Poison Ivy/fireeye-pivy-indicators.xml';
const STUXNET = 'eclecticiq__OpenTAXII/examples/stix/stuxnet.stix.xml';
const FILE = { name: 'file', 'meta-category': 'file', template_uuid: '688c46fb-5edb-40a3-8273-1af7923e2215', template_version: 25 };

describe('File', () => {
  it('one field → one attribute: a file name, a hash', () => {
    const name = mapCorpus(CTI, 'cert_au:Observable-5d647351-f8cf-442f-9e5a-ba6967cccccc');
    expect(name.attributes).toEqual([attr('cert_au:File-ddbe8a61-266c-4c7d-9320-5dac4603ccccc', { type: 'filename', category: 'Payload delivery', value: 'filenameonly.doc', to_ids: false })]);
    const md5 = mapCorpus(CTI, 'cert_au:Observable-cccccd51-a524-483f-8f17-2e8ff8474d80', { toIds: true });
    expect(md5.attributes).toEqual([attr('cert_au:File-ccccc188-0bb8-4fb3-ac6a-5a77ca38c35e', { type: 'md5', category: 'Payload delivery', value: 'ccccccccccccccc33574c79829dc1ccf', to_ids: true })]);
  });

  it('a name and one hash, both exact → filename|<hash>', () => {
    const r = mapCorpus(CTI, 'cert_au:Observable-84060d51-a524-483f-8f17-2e8ff8474d80', { toIds: true });
    expect(r.attributes).toEqual([
      attr('cert_au:File-a0c56188-0bb8-4fb3-ac6a-5a77ca38c35e', { type: 'filename|md5', category: 'Payload delivery', value: 'Execute—this.jar|11111111111111133574c79829dc1ccf', to_ids: true }),
    ]);
    expect(r.objects).toEqual([]);
  });

  it('more fields → a file object (name and three hashes)', () => {
    const r = mapCorpus(CTI, 'cert_au:Observable-7cb2ac9f-4cae-443f-905d-0b01cb1faedc', { toIds: true });
    const id = 'cert_au:File-cc2cbac3-fd1f-46bc-80be-39eceab9e18e';
    expect(r.attributes).toEqual([]);
    expect(r.objects).toEqual([
      {
        uuid: uuid(id),
        ...FILE,
        Attribute: [
          { uuid: uuid(`${id}/filename=VPN.exe`), object_relation: 'filename', type: 'filename', category: 'Payload delivery', value: 'VPN.exe', to_ids: true },
          { uuid: uuid(`${id}/sha256=11111111111111119f167683e164e795896be3be94de7f7103f67c6fde667bdf`), object_relation: 'sha256', type: 'sha256', category: 'Payload delivery', value: '11111111111111119f167683e164e795896be3be94de7f7103f67c6fde667bdf', to_ids: true },
          { uuid: uuid(`${id}/sha1=893fb19ac24eabf9b1fe1ddd1111111111111111`), object_relation: 'sha1', type: 'sha1', category: 'Payload delivery', value: '893fb19ac24eabf9b1fe1ddd1111111111111111', to_ids: true },
          { uuid: uuid(`${id}/md5=11111111111111112977fa0588bd504a`), object_relation: 'md5', type: 'md5', category: 'Payload delivery', value: '11111111111111112977fa0588bd504a', to_ids: true },
        ],
      },
    ]);
  });

  it('an AIS "N/A" file name is a placeholder: skipped with a warning, the hash kept', () => {
    const r = mapCorpus('STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_26.xml', 'NCCIC:Observable-93df1cd1-4e7d-11e6-9d8f-eccd6d4fa460', { toIds: true });
    expect(r.attributes).toEqual([
      attr('NCCIC:Object-93df1cd0-4e7d-11e6-ba8f-eccd6d4fa460', { type: 'sha256', category: 'Payload delivery', value: '6afafa23a357226c7c87854eefe03d82556944ef7319aac0897cca1e9bad4f86', to_ids: true }),
    ]);
    expect(r.report.warnings.map((w) => [w.code, w.message])).toEqual([['placeholder', 'File File_Name: "N/A" is a placeholder, not a value; skipped.']]);
  });

  itWithCorpus(PIVY)('a hash with related objects → a file object with references (Poison Ivy sample)', () => {
    const r = mapCorpus(PIVY, 'fireeye:observable-6e9697fa-38a2-4ba7-adda-a6eb268099fa');
    const id = 'fireeye:object-2049611d-757c-4d46-830a-bf5becd26f39';
    expect(r.attributes).toEqual([]);
    expect(r.objects).toHaveLength(1);
    expect(r.objects[0]).toMatchObject({ uuid: uuid(id), name: 'file' });
    expect(rows(r.objects[0])).toEqual([['md5', 'md5', 'Payload delivery', '026871ea3d6cbbeb90fea6bf2906cc12', false]]);
    expect(r.objects[0]?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([
      ['connected-to', uuid('fireeye:object-07e2d2f3-092d-436d-bbd6-60d2bdc36d43')],
      ['connected-to', uuid('fireeye:object-1727f41d-e734-4c1d-b3f4-1268e3decd0e')],
      ['connected-to', uuid('fireeye:object-c7e41a49-f47a-4073-a9ec-f6da5063f059')],
      ['connected-to', uuid('fireeye:object-1861ef67-6a90-47a6-900a-4337a404f628')],
      ['connected-to', uuid('fireeye:object-01d1d57e-0805-4923-b36c-e5aca342e926')],
      ['created', uuid('fireeye:object-363367bd-7460-49bd-9163-55378a0fa666')],
      ['characterized-by', uuid('fireeye:object-f00572b1-7aea-4e32-ae05-1fe8fc194c23')],
      ['connected-to', uuid('fireeye:object-77f41707-2038-4f28-9cec-32792d07d4a1')],
      ['characterized-by', uuid('fireeye:object-398dda54-7b22-4ef1-86d5-5fbef150a55b')],
    ]);
  });

  itWithCorpus(PIVY)('custom properties only → text (coverage: text)', () => {
    const r = mapCorpus(PIVY, 'fireeye:observable-e10ac689-0845-4cb5-b9d4-91e3a8332c05');
    expect(r.attributes).toEqual([
      attr('fireeye:object-96a294e2-9f63-41fc-897a-aa89858dd713', {
        type: 'text',
        category: 'Other',
        value: 'PIVY Password: 0xfb453847cb12db0d60ce04795e3059633788f131bfc4da1b8f1a3e48d01c76a1',
        to_ids: false,
        comment: 'File PIVY Password',
      }),
    ]);
    expect(r.report.coverage.get('File')).toEqual({ mapped: 0, text: 1, skipped: 0 });
  });

  it('patterns (APT1 Appendix G): a path Contains → filename, not to_ids; a size range → text; a name and pattern hash → object', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object>
        <cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:File_Path condition="Contains">\\Com\\wscntfy.exe</FileObj:File_Path></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-2"><cybox:Object>
        <cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:Size_In_Bytes condition="InclusiveBetween">13312##comma##14336</FileObj:Size_In_Bytes></cybox:Properties></cybox:Object></cybox:Observable>
      <cybox:Observable id="example:Observable-3"><cybox:Object>
        <cybox:Properties xsi:type="FileObj:FileObjectType"><FileObj:File_Name>a.exe</FileObj:File_Name><FileObj:Hashes><cyboxCommon:Hash><cyboxCommon:Type>MD5</cyboxCommon:Type>
        <cyboxCommon:Simple_Hash_Value condition="DoesNotEqual">ec1e62ef73d844c6c845acdd4c1f9ce7</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash></FileObj:Hashes></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:Observable-1', { type: 'filename', category: 'Payload delivery', value: '\\Com\\wscntfy.exe', to_ids: false, comment: 'CybOX pattern: File_Path Contains "\\Com\\wscntfy.exe" | File File_Path' }),
      attr('example:Observable-2', {
        type: 'text',
        category: 'Other',
        value: '13312 - 14336',
        to_ids: false,
        comment: 'CybOX pattern: Size_In_Bytes InclusiveBetween "13312" and "14336" | Size_In_Bytes: kept as text, not a valid size-in-bytes (a range, not a single value)',
      }),
    ]);
    expect(r.objects.map(rows)).toEqual([
      [
        ['filename', 'filename', 'Payload delivery', 'a.exe', true],
        ['md5', 'md5', 'Payload delivery', 'ec1e62ef73d844c6c845acdd4c1f9ce7', false],
      ],
    ]);
    expect(r.objects[0]?.Attribute[1]?.comment).toBe('CybOX pattern: Simple_Hash_Value DoesNotEqual "ec1e62ef73d844c6c845acdd4c1f9ce7"');
    expect(validationErrors(r)).toEqual([]);
  });

  it('PDFFile maps like a File (name + SHA-256 → composite)', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-9"><cybox:Object id="example:pdf-1"><cybox:Properties xsi:type="PDFFileObj:PDFFileObjectType">
        <FileObj:File_Name>invoice.pdf</FileObj:File_Name><FileObj:Hashes><cyboxCommon:Hash><cyboxCommon:Type>SHA256</cyboxCommon:Type>
        <cyboxCommon:Simple_Hash_Value>E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash></FileObj:Hashes>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:pdf-1', { type: 'filename|sha256', category: 'Payload delivery', value: 'invoice.pdf|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', to_ids: true }),
    ]);
    expect(r.report.coverage.get('PDFFile')).toEqual({ mapped: 1, text: 0, skipped: 0 });
  });

  it('full path, times, ssdeep and a hash of unknown type named by its length', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-4"><cybox:Object id="example:f-4">
        <cybox:Properties xsi:type="WinFileObj:WindowsFileObjectType"><FileObj:File_Name>x.dll</FileObj:File_Name>
        <FileObj:File_Path fully_qualified="true">C:\\Windows\\x.dll</FileObj:File_Path>
        <FileObj:Created_Time>2014-01-02T03:04:05Z</FileObj:Created_Time>
        <FileObj:Hashes><cyboxCommon:Hash><cyboxCommon:Type>SSDEEP</cyboxCommon:Type><cyboxCommon:Fuzzy_Hash_Value>96:ivsbtV57OzvC1J2FhidTOA:ivsbt</cyboxCommon:Fuzzy_Hash_Value></cyboxCommon:Hash>
        <cyboxCommon:Hash><cyboxCommon:Type>Other</cyboxCommon:Type><cyboxCommon:Simple_Hash_Value>DA39A3EE5E6B4B0D3255BFEF95601890AFD80709</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash></FileObj:Hashes>
        </cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(rows(r.objects[0])).toEqual([
      ['filename', 'filename', 'Payload delivery', 'x.dll', false],
      ['fullpath', 'text', 'Other', 'C:\\Windows\\x.dll', false],
      ['ssdeep', 'ssdeep', 'Payload delivery', '96:ivsbtV57OzvC1J2FhidTOA:ivsbt', false],
      ['sha1', 'sha1', 'Payload delivery', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', false],
      ['creation-time', 'datetime', 'Other', '2014-01-02T03:04:05Z', false],
    ]);
    expect(r.report.coverage.get('WindowsFile')).toEqual({ mapped: 1, text: 0, skipped: 0 });
  });
});

describe('WindowsExecutableFile, WindowsDriver', () => {
  it('PE fields → a pe object (Stuxnet OpenIOC: section name, signer); a lone header time stamp is a pe of unknown type', () => {
    const section = mapCorpus(STUXNET, 'openioc:indicator-item-b9ef2559-cc59-4463-81d9-52800545e16e', { toIds: true });
    const key = 'openioc:indicator-item-b9ef2559-cc59-4463-81d9-52800545e16e';
    expect(section.attributes).toEqual([]);
    expect(section.objects.map((o) => [o.uuid, o.name])).toEqual([
      [uuid(key), 'pe'],
      [uuid(`${key}/pe-section/0`), 'pe-section'],
    ]);
    expect(rows(section.objects[0])).toEqual([['type', 'text', 'Other', 'unknown', false]]);
    expect(rows(section.objects[1])).toEqual([['name', 'text', 'Other', '.stub', false]]);
    expect(section.objects[1]?.Attribute[0]?.comment).toBe('CybOX pattern: Name Contains ".stub"');
    expect(section.objects[0]?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['includes', uuid(`${key}/pe-section/0`)]]);

    const signer = mapCorpus(STUXNET, 'openioc:indicator-item-8a3e425d-fa87-4a31-b20d-8f8630d77933', { toIds: true });
    expect(signer.objects.map(rows)).toEqual([[['text', 'text', 'Other', 'Signature certificate subject Contains "Realtek Semiconductor Corp"', false]]]);

    const stamp = mapSnippet(`<cybox:Observable id="example:Observable-5"><cybox:Object>
        <cybox:Properties xsi:type="WinExecutableFileObj:WindowsExecutableFileObjectType"><WinExecutableFileObj:Headers><WinExecutableFileObj:File_Header>
        <WinExecutableFileObj:Time_Date_Stamp>2011-03-18T02:41:49Z</WinExecutableFileObj:Time_Date_Stamp></WinExecutableFileObj:File_Header></WinExecutableFileObj:Headers></cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(stamp.objects.map(rows)).toEqual([
      [
        ['compilation-timestamp', 'datetime', 'Other', '2011-03-18T02:41:49Z', false],
        ['type', 'text', 'Other', 'unknown', false],
      ],
    ]);
  });

  it('a file with PE headers and sections: file —includes→ pe —includes→ pe-section', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-6"><cybox:Object id="example:exe-1">
        <cybox:Properties xsi:type="WinExecutableFileObj:WindowsExecutableFileObjectType"><FileObj:File_Name>svch0st.exe</FileObj:File_Name>
        <WinExecutableFileObj:Exports><WinExecutableFileObj:Exported_Functions><WinExecutableFileObj:Exported_Function><WinExecutableFileObj:Function_Name>ServiceMain</WinExecutableFileObj:Function_Name></WinExecutableFileObj:Exported_Function></WinExecutableFileObj:Exported_Functions></WinExecutableFileObj:Exports>
        <WinExecutableFileObj:Headers><WinExecutableFileObj:File_Header><WinExecutableFileObj:Number_Of_Sections>4</WinExecutableFileObj:Number_Of_Sections></WinExecutableFileObj:File_Header></WinExecutableFileObj:Headers>
        <WinExecutableFileObj:Sections><WinExecutableFileObj:Section><WinExecutableFileObj:Section_Header><WinExecutableFileObj:Name>.text</WinExecutableFileObj:Name><WinExecutableFileObj:Size_Of_Raw_Data>4096</WinExecutableFileObj:Size_Of_Raw_Data></WinExecutableFileObj:Section_Header>
        <WinExecutableFileObj:Entropy><WinExecutableFileObj:Value>6.2</WinExecutableFileObj:Value></WinExecutableFileObj:Entropy></WinExecutableFileObj:Section></WinExecutableFileObj:Sections>
        <WinExecutableFileObj:Type>Dll</WinExecutableFileObj:Type>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    const [file, pe, section] = r.objects;
    expect(r.objects.map((o) => [o.uuid, o.name])).toEqual([
      [uuid('example:exe-1'), 'file'],
      [uuid('example:exe-1/pe'), 'pe'],
      [uuid('example:exe-1/pe-section/0'), 'pe-section'],
    ]);
    expect(rows(file)).toEqual([['filename', 'filename', 'Payload delivery', 'svch0st.exe', true]]);
    expect(rows(pe)).toEqual([
      ['number-sections', 'counter', 'Other', '4', false],
      ['type', 'text', 'Other', 'dll', false],
      ['text', 'text', 'Other', 'Exported function: ServiceMain', false],
    ]);
    expect(rows(section)).toEqual([
      ['name', 'text', 'Other', '.text', false],
      ['size-in-bytes', 'size-in-bytes', 'Other', '4096', false],
      ['entropy', 'float', 'Other', '6.2', false],
    ]);
    expect(file?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['includes', pe?.uuid]]);
    expect(pe?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['includes', section?.uuid]]);
    expect(validationErrors(r)).toEqual([]);
  });

  it('an empty WindowsExecutableFile (APT1) is skipped with a warning', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-7"><cybox:Object><cybox:Properties xsi:type="WinExecutableFileObj:WindowsExecutableFileObjectType"/></cybox:Object></cybox:Observable>`);
    expect(r.attributes).toEqual([]);
    expect(r.objects).toEqual([]);
    expect(r.report.warnings.map((w) => w.message)).toEqual(['WindowsExecutableFile: the object gave nothing MISP can hold (no usable value); skipped.']);
    expect(r.report.coverage.get('WindowsExecutableFile')).toEqual({ mapped: 0, text: 0, skipped: 1 });
  });

  it('WindowsDriver: the driver name is a file name; device objects are text (Stuxnet, ramrod)', () => {
    const device = mapCorpus(STUXNET, 'openioc:indicator-item-e93f1610-daaf-4311-bcf3-3aecef8271c0', { toIds: true });
    expect(device.attributes).toEqual([
      attr('openioc:indicator-item-e93f1610-daaf-4311-bcf3-3aecef8271c0', {
        type: 'text',
        category: 'Other',
        value: 'fs_rec.sys',
        to_ids: false,
        comment: 'CybOX pattern: Attached_To_Driver_Name Contains "fs_rec.sys" | WindowsDriver device object Attached_To_Driver_Name',
      }),
    ]);
    const name = mapSnippet(`<cybox:Observable id="example:Observable-8"><cybox:Object>
        <cybox:Properties xsi:type="WinDriverObj:WindowsDriverObjectType"><WinDriverObj:Driver_Name condition="Contains">riodrv32.sys</WinDriverObj:Driver_Name></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(name.attributes).toEqual([
      attr('example:Observable-8', { type: 'filename', category: 'Payload delivery', value: 'riodrv32.sys', to_ids: false, comment: 'CybOX pattern: Driver_Name Contains "riodrv32.sys"' }),
    ]);
  });
});
