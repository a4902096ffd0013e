import { describe, expect, it } from 'vitest';
import { isTimeZone, type RoutingSettings } from '@support-chat/shared';
import { fromForm, timeZones, toForm } from './routing-form.js';

const settings: RoutingSettings = {
  assignment: 'auto',
  defaultCapacity: 5,
  disconnectGraceSeconds: 60,
  handoffKeywords: ['refund', 'complaint'],
  handoffAttributes: [{ key: 'plan', value: 'vip' }],
  businessHours: { timeZone: 'Europe/Berlin', days: { mon: [['09:00', '17:00']], sat: [['10:00', '12:00'], ['13:00', '14:00']] } },
};

describe('routing form', () => {
  it('round-trips settings through the form', () => {
    const form = toForm(settings, 'UTC');
    expect(form.keywords).toBe('refund\ncomplaint');
    expect(form.attributes).toBe('plan=vip');
    expect(form.days.mon).toEqual({ open: true, start: '09:00', end: '17:00' });
    expect(form.days.sat).toEqual({ open: true, start: '10:00', end: '14:00' });
    expect(form.days.tue.open).toBe(false);
    const back = fromForm(form);
    expect(back).toEqual({
      ok: true,
      settings: { ...settings, businessHours: { timeZone: 'Europe/Berlin', days: { mon: [['09:00', '17:00']], sat: [['10:00', '14:00']] } } },
    });
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
      days: { ...form.days, mon: { open: true, start: '18:00', end: '09:00' }, tue: { open: true, start: '9', end: '17:00' } },
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        defaultCapacity: 'A whole number from 1 to 100.',
        graceSeconds: 'Seconds, from 0 to 3600.',
        attributes: '"plan" is not key=value.',
        timeZone: 'Pick a time zone from the list.',
        mon: 'The end must be after the start.',
        tue: 'Times as HH:MM.',
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
