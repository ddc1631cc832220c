import { planDelivery } from '../../../src/messaging/domain/delivery-plan';

describe('planDelivery', () => {
  it('sends a lone message to the room except the socket that sent it', () => {
    expect(planDelivery([{ message: 'm1', originSocketId: 's1' }])).toEqual({
      room: { exceptSocketIds: ['s1'], messages: ['m1'] },
      origins: [],
    });
  });

  it('sends a message with no sending socket (REST) to the whole room', () => {
    expect(planDelivery([{ message: 'm1' }])).toEqual({ room: { exceptSocketIds: [], messages: ['m1'] }, origins: [] });
  });

  it("gives each sending socket the others' messages of the turn, in order, and the rest of the room all of them", () => {
    const plan = planDelivery([
      { message: 'm1', originSocketId: 'a' },
      { message: 'm2', originSocketId: 'b' },
      { message: 'm3' },
      { message: 'm4', originSocketId: 'a' },
    ]);
    expect(plan.room).toEqual({ exceptSocketIds: ['a', 'b'], messages: ['m1', 'm2', 'm3', 'm4'] });
    expect(plan.origins).toEqual([
      { socketId: 'a', messages: ['m2', 'm3'] },
      { socketId: 'b', messages: ['m1', 'm3', 'm4'] },
    ]);
  });

  it('gives a socket that sent every message of the turn nothing more', () => {
    const plan = planDelivery([
      { message: 'm1', originSocketId: 'a' },
      { message: 'm2', originSocketId: 'a' },
    ]);
    expect(plan).toEqual({ room: { exceptSocketIds: ['a'], messages: ['m1', 'm2'] }, origins: [] });
  });
});
