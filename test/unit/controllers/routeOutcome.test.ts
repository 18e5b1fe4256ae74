import { fullObservationFirst, type LatticeOutcome } from '../../../src/controllers/route/outcome';

describe('the outcome of a pass from the last pass picture', () => {
  const base = { serviceArn: 'arn:svc', dnsName: 'shop.on.aws', targetGroupArns: ['arn:tg'] };

  it('reports a route it finished still pending: only a full observation reports it Programmed', () => {
    const finished: LatticeOutcome = { state: 'programmed', ...base };
    expect(fullObservationFirst(finished)).toEqual({
      state: 'pending',
      waits: ['checking the route in Lattice before reporting it programmed'],
      ...base,
    });
  });

  it('leaves any other outcome as it is', () => {
    const waiting: LatticeOutcome = { state: 'pending', waits: ['the association is being created'], ...base };
    const refused: LatticeOutcome = { state: 'refused', message: 'no', ...base };
    expect(fullObservationFirst(waiting)).toBe(waiting);
    expect(fullObservationFirst(refused)).toBe(refused);
  });
});
