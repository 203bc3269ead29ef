/**
 * Bus topic (channel) names, built in one place. The seed's names are kept: group events on
 * `chat:group:{id}`, typing on `typing:group:{id}`; cluster-wide control events on one topic.
 */
export const topics = {
  group: (groupId: string) => `chat:group:${groupId}`,
  typing: (groupId: string) => `typing:group:${groupId}`,
  control: "chat:control",
} as const;

/** The group id of a group or typing topic, or null for the control topic. */
export function groupOfTopic(topic: string): string | null {
  if (topic.startsWith("chat:group:")) return topic.slice("chat:group:".length);
  if (topic.startsWith("typing:group:")) {
    return topic.slice("typing:group:".length);
  }
  return null;
}
