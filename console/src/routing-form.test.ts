import { describe, expect, it } from 'vitest';
import { isTimeZone, type RoutingSettings } from '@support-chat/shared';
import { fromForm, runsPastMidnight, timeZones, toForm } from './routing-form.js';

const settings: RoutingSettings = {
  assignment: 'auto',
  defaultCapacity: 5,
  disconnectGraceSeconds: 60,
  handoffKeywords: ['refund', 'complaint'],
  handoffAttributes: [{ key: 'plan', value: 'vip' }],
  businessHours: { timeZone: 'Europe/Berlin', days: { mon: [['09:00', '17:00']], sat: [['10:00', '12:00'], ['13:00', '14:00']] } },
  labelRules: [],
};

describe('routing form', () => {
  it('round-trips settings through the form', () => {
    const form = toForm(settings, 'UTC');
    expect(form.keywords).toBe('refund\ncomplaint');
    expect(form.attributes).toBe('plan=vip');
    expect(form.days.mon).toEqual({ open: true, ranges: [{ start: '09:00', end: '17:00' }] });
    // Both halves of a day with a break survive: saving the form must not fill in the lunch hour.
    expect(form.days.sat).toEqual({ open: true, ranges: [{ start: '10:00', end: '12:00' }, { start: '13:00', end: '14:00' }] });
    expect(form.days.tue.open).toBe(false);
    expect(fromForm(form)).toEqual({ ok: true, settings });
  });

  it("sorts a day's ranges and keeps one that runs past midnight", () => {
    const form = toForm(settings, 'UTC');
    const back = fromForm({
      ...form,
      days: {
        ...form.days,
        fri: { open: true, ranges: [{ start: '22:00', end: '02:00' }, { start: '08:00', end: '12:00' }] },
      },
    });
    expect(back.ok && back.settings.businessHours?.days.fri).toEqual([['08:00', '12:00'], ['22:00', '02:00']]);
    expect(runsPastMidnight({ start: '22:00', end: '02:00' })).toBe(true);
    expect(runsPastMidnight({ start: '08:00', end: '24:00' })).toBe(false);
  });

  it('offers weekdays 9–17 when no schedule was set, and sends null while hours are off', () => {
    const form = toForm({ ...settings, businessHours: null }, 'Asia/Shanghai');
    expect(form.hoursEnabled).toBe(false);
    expect(form.timeZone).toBe('Asia/Shanghai');
    expect(form.days.fri.open).toBe(true);
    expect(form.days.sun.open).toBe(false);
    const back = fromForm({ ...form, keywords: 'a, b\n a\n\n' });
    expect(back.ok && back.settings.businessHours).toBeNull();
    expect(back.ok && back.settings.handoffKeywords).toEqual(['a', 'b']);
  });

  it('says what is wrong, field by field', () => {
    const form = toForm(settings, 'UTC');
    const result = fromForm({
      ...form,
      defaultCapacity: '0',
      graceSeconds: 'soon',
      attributes: 'plan',
      timeZone: 'Mars/Olympus',
      days: {
        ...form.days,
        mon: { open: true, ranges: [{ start: '09:00', end: '09:00' }] },
        tue: { open: true, ranges: [{ start: '9', end: '17:00' }] },
        wed: { open: true, ranges: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '17:00' }] },
        thu: { open: true, ranges: [] },
        fri: { open: true, ranges: Array.from({ length: 7 }, (_, i) => ({ start: `0${i}:00`, end: `0${i}:30` })) },
      },
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        defaultCapacity: 'A whole number from 1 to 100.',
        graceSeconds: 'Seconds, from 0 to 3600.',
        attributes: '"plan" is not key=value.',
        timeZone: 'Pick a time zone from the list.',
        mon: 'The end must differ from the start.',
        tue: 'Times as HH:MM.',
        wed: 'These hours overlap.',
        thu: 'Add the hours, or close the day.',
        fri: 'At most 6 ranges a day.',
      },
    });
  });

  it('knows the IANA zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Nowhere/Land')).toBe(false);
    expect(timeZones('Europe/Berlin')).toContain('Asia/Shanghai');
    expect(timeZones('Old/Zone')[0]).toBe('Old/Zone');
  });
});
