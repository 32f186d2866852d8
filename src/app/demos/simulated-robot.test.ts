import { describe, expect, it } from 'vitest';
import { freshRobot, inject, step, type RobotModel } from './simulated-robot';

describe('simulated robot', () => {
  it('shows an injected overheat in the next reading and keeps heating while it runs', () => {
    const hot = inject(freshRobot(), 'overheat');
    expect(hot.temperatureC).toBe(95);
    expect(step(hot).temperatureC).toBe(95);
    expect(inject(hot, 'overheat')).toBe(hot);
  });

  it('cools once stopped and stops vibrating; slowing halves the vibration', () => {
    const hot = { ...inject(freshRobot(), 'overheat'), state: 'stopped' as const };
    let m: RobotModel = hot;
    for (let i = 0; i < 20; i++) m = step(m);
    expect(m.temperatureC).toBeLessThan(40);
    expect(m.vibrationG).toBe(0);
    const shaky = inject(freshRobot(), 'vibration');
    expect(shaky.vibrationG).toBe(3.2);
    expect(step({ ...shaky, state: 'slowed' }).vibrationG).toBe(1.6);
  });
});
