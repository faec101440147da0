import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/database.ts';
import { ABEL, readerFor } from './helpers.ts';

// Abel's incidents: INC0000001 (state 2, priority 2, network, open, "Cannot connect to VPN"),
// INC0000002 (state 1, priority 3, software, open, "Email quota exceeded"),
// INC0000003 (state 7, priority 2, hardware, closed, "Laptop battery swollen"); all opened 2026-01-02 09:00:00.
const INC1 = 'INC0000001';
const INC2 = 'INC0000002';
const INC3 = 'INC0000003';

describeEachDatabase('encoded query operators', (db) => {
  const reader = readerFor(db);
  const abelIncidents = async (query: string) =>
    (await reader.values('incident', `caller_id=${ABEL}^${query}^ORDERBYnumber`, 'number')) as string[];

  describe('integers, coerced as on the platform', () => {
    it.each([
      ['priority=2', [INC1, INC3]],
      ['priority= 2 ', [INC1, INC3]],
      ['priority!=2', [INC2]],
      ['priority>2', [INC2]],
      ['priority>=2', [INC1, INC2, INC3]],
      ['priority<3', [INC1, INC3]],
      ['priority<=2', [INC1, INC3]],
      ['stateIN1,2', [INC1, INC2]],
      ['stateIN 1 , 7 ', [INC2, INC3]],
      ['stateNOT IN1,2', [INC3]],
      ['priority<9', [INC1, INC2, INC3]],
      // A value that cannot be an integer matches nothing; in a list it just drops out.
      ['priority=urgent!!', []],
      ['priority!=urgent!!', []],
      ['priority<abc', []],
      ['stateIN1,abc', [INC2]],
      ['stateINabc', []],
      ['stateIN', []],
      ['priority=2.5', []],
      ['priorityISEMPTY', []],
      ['priorityISNOTEMPTY', [INC1, INC2, INC3]],
      ['stateSTARTSWITH7', [INC3]],
    ])('%s', async (query, expected) => {
      expect(await abelIncidents(query)).toEqual(expected);
    });
  });

  describe('booleans, datetimes and references', () => {
    it.each([
      ['active=true', [INC1, INC2]],
      ['active=false', [INC3]],
      ['active=TRUE', [INC1, INC2]],
      ['active=1', [INC1, INC2]],
      ['active!=true', [INC3]],
      ['active=maybe', []],
      ['opened_at=2026-01-02 09:00:00', [INC1, INC2, INC3]],
      ['opened_at=2026-01-02T09:00:00Z', [INC1, INC2, INC3]],
      ['opened_at>2026-01-02 09:00:00', []],
      ['opened_at>=2026-01-02', [INC1, INC2, INC3]],
      ['opened_at<2026-01-02 09:00:01', [INC1, INC2, INC3]],
      ['opened_at=yesterday', []],
      ['opened_atSTARTSWITH2026-01-02 09', [INC1, INC2, INC3]],
      ['caller_id=not-a-sys-id', []],
      [`caller_id=${ABEL.replaceAll('-', '').toUpperCase()}`, [INC1, INC2, INC3]],
      [`caller_idIN${ABEL},junk`, [INC1, INC2, INC3]],
      // STARTSWITH/CONTAINS on a reference search the referenced row's display value.
      ['caller_idSTARTSWITHabel t', [INC1, INC2, INC3]],
      ['caller_idCONTAINSnobody', []],
      ['assigned_toISEMPTY', [INC1, INC2, INC3]],
      ['assigned_to=', [INC1, INC2, INC3]],
      ['caller_idISNOTEMPTY', [INC1, INC2, INC3]],
    ])('%s', async (query, expected) => {
      expect(await abelIncidents(query)).toEqual(expected);
    });
  });

  describe('text, without regard to case', () => {
    it.each([
      ['short_description=cannot CONNECT to vpn', [INC1]],
      ['short_description!=Cannot connect to VPN', [INC2, INC3]],
      ['short_descriptionSTARTSWITHcannot', [INC1]],
      ['short_descriptionENDSWITHEXCEEDED', [INC2]],
      ['short_descriptionCONTAINSbattery', [INC3]],
      ['short_descriptionLIKEvpn', [INC1]],
      ['short_descriptionDOESNOTCONTAINvpn', [INC2, INC3]],
      ['short_descriptionNOT LIKEVPN', [INC2, INC3]],
      ['short_description>f', [INC3]],
      ['short_description<=email quota exceeded', [INC1, INC2]],
      ['category=NETWORK', [INC1]],
      ['categoryINsoftware,Hardware', [INC2, INC3]],
      ['numberINinc0000001,INC0000003', [INC1, INC3]],
      ['descriptionISEMPTY', [INC1, INC2, INC3]],
      ['description=', [INC1, INC2, INC3]],
      ['description!=', []],
      ['descriptionISNOTEMPTY', []],
      ['short_descriptionISNOTEMPTY', [INC1, INC2, INC3]],
      // The negative operators follow SQL: an empty description neither contains nor lacks "x".
      ['descriptionDOESNOTCONTAINx', []],
    ])('%s', async (query, expected) => {
      expect(await abelIncidents(query)).toEqual(expected);
    });

    it('uses the same case rules for e-mail and user names', async () => {
      expect(await reader.values('sys_user', 'email=ABEL.TUTER@EXAMPLE.COM', 'user_name')).toEqual([
        'abel.tuter',
      ]);
      expect(
        await reader.values('sys_user', 'user_nameINABEL.TUTER,Beth.Anglin^ORDERBYuser_name', 'user_name'),
      ).toEqual(['abel.tuter', 'beth.anglin']);
    });
  });

  describe('phones: any common format finds the number', () => {
    it.each([
      '(415) 555-0142',
      '+1 415 555 0142',
      '415.555.0142',
      '4155550142',
      '+1-415-555-0142',
      '1 (415) 555 0142',
      '001 415 555 0142',
    ])('phone=%s finds Abel', async (format) => {
      expect(await reader.values('sys_user', `phone=${format}`, 'user_name')).toEqual(['abel.tuter']);
    });

    it('matches shared numbers, lists, negations and devices', async () => {
      expect(await reader.values('sys_user', 'phone=+1 312 555 0100^ORDERBYuser_name', 'user_name')).toEqual([
        'carol.ray',
        'dan.ray',
      ]);
      expect(
        await reader.values('sys_user', 'phoneIN(415) 555-0142,312-555-0100^ORDERBYuser_name', 'user_name'),
      ).toEqual(['abel.tuter', 'carol.ray', 'dan.ray']);
      expect(await reader.values('sys_user', 'last_name=ray^phone!=3125550100', 'user_name')).toEqual([]);
      expect(await reader.values('sys_user', 'last_name=tuter^phoneNOT IN3125550100', 'user_name')).toEqual([
        'abel.tuter',
      ]);
      expect(await reader.values('cmn_notif_device', 'phone_number=510 555 0177', 'name')).toEqual([
        'Work mobile',
      ]);
      const mona = await reader.select({
        table: 'cmn_notif_device',
        query: 'phone_number=5105550177',
        limit: 1,
      });
      expect(await reader.values('sys_user', `sys_id=${mona[0]!.user}`, 'user_name')).toEqual([
        'mobile.only',
      ]);
    });

    it('falls back to the text when the value is not a phone number, and searches text with LIKE', async () => {
      expect(await reader.values('sys_user', 'phone=not a phone', 'user_name')).toEqual([]);
      expect(await reader.values('sys_user', 'phoneISEMPTY^user_name=mobile.only', 'user_name')).toEqual([
        'mobile.only',
      ]);
      expect(await reader.values('sys_user', 'phoneSTARTSWITH(415) 555-01', 'user_name')).toEqual([
        'abel.tuter',
      ]);
      expect(await reader.values('sys_user', 'phoneENDSWITH7946 0958', 'user_name')).toEqual([
        'harriet.cole',
      ]);
    });
  });
});
