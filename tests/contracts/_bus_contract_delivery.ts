/**
 * Delivery cases of the bus contract. A negative ("nothing arrived") is proven with a barrier:
 * an event published afterwards on a topic the listener does receive.
 */
import assert from "node:assert/strict";
import { topics } from "../../lib/bus/topics.ts";
import type { BusEvent } from "../../lib/protocol/bus_events.ts";
import {
  append,
  type BusCase,
  draft,
  range,
  Recorder,
  typing,
  uid,
} from "./_bus_fixtures.ts";

export function deliveryCases(test: BusCase): void {
  test(
    "publish() reaches the publisher's own listener once, only through the bus",
    {},
    async ([bus]) => {
      const t = topics.typing(uid("group"));
      const recorder = new Recorder(bus);
      await bus.subscribe(t);
      const event = typing("g", "ann");
      await bus.publish(t, event);
      await bus.publish(t, typing("g", "barrier"));
      await recorder.until(() => recorder.events.length >= 2, "the barrier");
      assert.deepStrictEqual(recorder.events, [{ topic: t, event }, {
        topic: t,
        event: typing("g", "barrier"),
      }]);
    },
  );

  test("events of one topic arrive in publish order", {}, async ([bus]) => {
    const t = topics.typing(uid("group"));
    const recorder = new Recorder(bus);
    await bus.subscribe(t);
    const sent = range(1, 50).map((i) => typing("g", `user-${i}`));
    await Promise.all(sent.map((event) => bus.publish(t, event)));
    await recorder.until(() => recorder.events.length >= 50, "50 events");
    assert.deepStrictEqual(recorder.on(t), sent);
  });

  test(
    "a topic the bus is not subscribed to delivers nothing, not even its own events",
    {},
    async ([bus]) => {
      const g = uid("group");
      const barrier = topics.control;
      const recorder = new Recorder(bus);
      await bus.subscribe(barrier);
      await bus.publish(topics.typing(g), typing(g, "ann"));
      await append(bus, draft(g));
      await bus.publish(barrier, { kind: "session_ended", session_id: "s-1" });
      await recorder.until(() => recorder.events.length >= 1, "the barrier");
      assert.deepStrictEqual(recorder.events.map((e) => e.topic), [barrier]);
    },
  );

  test(
    "subscribe() twice delivers once; one unsubscribe() stops delivery",
    {},
    async ([bus]) => {
      const t = topics.typing(uid("group"));
      const barrier = topics.control;
      const recorder = new Recorder(bus);
      await bus.subscribe(t);
      await bus.subscribe(t);
      await bus.subscribe(barrier);
      await bus.publish(t, typing("g", "before"));
      await bus.publish(barrier, { kind: "session_ended", session_id: "s-1" });
      await recorder.until(
        () => recorder.on(barrier).length >= 1,
        "the first barrier",
      );
      await bus.unsubscribe(t);
      await bus.unsubscribe(t);
      await bus.publish(t, typing("g", "after"));
      await bus.publish(barrier, { kind: "session_ended", session_id: "s-2" });
      await recorder.until(
        () => recorder.on(barrier).length >= 2,
        "the second barrier",
      );
      assert.deepStrictEqual(recorder.on(t), [typing("g", "before")]);
    },
  );

  test(
    "append() publishes the message envelope on its group's topic",
    {},
    async ([bus]) => {
      const g = uid("group");
      const recorder = new Recorder(bus);
      await bus.subscribe(topics.group(g));
      const message = await append(bus, draft(g, { nonce: "n" }));
      await recorder.until(() => recorder.events.length >= 1, "the message");
      const expected: BusEvent = {
        kind: "message",
        group_id: g,
        rev: message.rev!,
        message,
      };
      assert.deepStrictEqual(recorder.events, [{
        topic: topics.group(g),
        event: expected,
      }]);
    },
  );

  test("an event reaches every subscribed instance and no other", {
    instances: 2,
  }, async ([a, b]) => {
    const g = uid("group");
    const barrier = topics.control;
    const [ra, rb] = [new Recorder(a), new Recorder(b)];
    await a.subscribe(topics.group(g));
    await a.subscribe(topics.typing(g));
    await Promise.all([a.subscribe(barrier), b.subscribe(barrier)]);
    const message = await append(b, draft(g));
    await b.publish(topics.typing(g), typing(g, "bob"));
    await b.publish(barrier, { kind: "session_ended", session_id: "s-1" });
    await ra.until(() => ra.on(barrier).length >= 1, "the barrier on a");
    await rb.until(() => rb.on(barrier).length >= 1, "the barrier on b");
    assert.deepStrictEqual(ra.messages(topics.group(g)), [message]);
    assert.deepStrictEqual(ra.on(topics.typing(g)), [typing(g, "bob")]);
    assert.deepStrictEqual(rb.events.map((e) => e.topic), [barrier]);
  });

  test(
    "healthy() answers true while the bus is reachable and false once closed",
    {},
    async ([bus]) => {
      assert.equal(await bus.healthy(), true);
      await bus.close();
      assert.equal(await bus.healthy(), false);
    },
  );
}
