import { ResourceNotFoundError, ValidationError } from '../errors';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { taggableArn, tagKeys, tags } from '../shapes';
import type { TaggableRecord } from '../state';
import { required, struct } from '../validation';

/** Keys with the `aws:` prefix are reserved for AWS, in every tagging API. */
const RESERVED_TAG_PREFIX = 'aws:';

function findTaggable(context: OperationContext, arn: string): TaggableRecord {
  const record = context.store.findByArn(arn);
  if (record === undefined) throw new ResourceNotFoundError('RESOURCE', arn);
  return record;
}

const byArn = { resourceArn: required(taggableArn) };

const tagResource = defineOperation({
  name: 'TagResource',
  method: 'POST',
  uri: '/tags/{resourceArn}',
  successCode: 200,
  input: struct({ ...byArn, tags: required(tags) }),
  handle: (context, input) => {
    const reserved = Object.keys(input.tags).find((key) => key.toLowerCase().startsWith(RESERVED_TAG_PREFIX));
    if (reserved !== undefined) {
      throw ValidationError.field('tags', `Tag key ${reserved} uses the reserved prefix ${RESERVED_TAG_PREFIX}`);
    }
    const record = findTaggable(context, input.resourceArn);
    record.tags = { ...record.tags, ...input.tags };
    return {};
  },
});

const untagResource = defineOperation({
  name: 'UntagResource',
  method: 'DELETE',
  uri: '/tags/{resourceArn}',
  successCode: 200,
  query: { tagKeys: 'list' },
  input: struct({ ...byArn, tagKeys: required(tagKeys) }),
  handle: (context, input) => {
    const record = findTaggable(context, input.resourceArn);
    record.tags = Object.fromEntries(Object.entries(record.tags).filter(([key]) => !input.tagKeys.includes(key)));
    return {};
  },
});

const listTagsForResource = defineOperation({
  name: 'ListTagsForResource',
  method: 'GET',
  uri: '/tags/{resourceArn}',
  successCode: 200,
  input: struct(byArn),
  handle: (context, input) => ({ tags: { ...findTaggable(context, input.resourceArn).tags } }),
});

export const tagOperations: readonly Operation[] = [tagResource, untagResource, listTagsForResource];
