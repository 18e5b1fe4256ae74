import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvalidParameterValueException,
  LambdaClient,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { CreateListenerCommand, CreateRuleCommand, CreateTargetGroupCommand, ValidationException } from '@aws-sdk/client-vpc-lattice';
import {
  ACCOUNT,
  createListener,
  createService,
  CREDENTIALS,
  forwardTo,
  pathPrefix,
  REGION,
  rejection,
  startHarness,
  type Harness,
  type StateEntry,
} from './support';

const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/lambda/aws4_request, SignedHeaders=host, Signature=00';
const FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:thumbnails`;
const TG = `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:targetgroup/tg-0123456789abcdef0`;

describe('Lambda (restJson1 under /2015-03-31/)', () => {
  let h: Harness;
  let lambda: LambdaClient;
  beforeEach(async () => {
    h = await startHarness();
    lambda = new LambdaClient({ endpoint: h.emulator.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'thumbnails',
        Role: `arn:aws:iam::${ACCOUNT}:role/fn`,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: new Uint8Array([1]) },
        Publish: true,
      }),
    );
  });
  afterEach(async () => {
    lambda.destroy();
    await h.close();
  });

  it('creates functions and aliases and gets them by name, ARN and qualified ARN', async () => {
    await lambda.send(new CreateAliasCommand({ FunctionName: 'thumbnails', Name: 'live', FunctionVersion: '1' }));
    const plain = await lambda.send(new GetFunctionCommand({ FunctionName: 'thumbnails' }));
    expect(plain.Configuration).toMatchObject({
      FunctionName: 'thumbnails',
      FunctionArn: FN,
      Version: '$LATEST',
      State: 'Active',
      Runtime: 'nodejs20.x',
    });
    expect(plain.Code?.RepositoryType).toBe('S3');
    const alias = await lambda.send(new GetFunctionCommand({ FunctionName: `${FN}:live` }));
    expect(alias.Configuration).toMatchObject({ FunctionArn: `${FN}:live`, Version: '1' });
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: FN, Qualifier: '1' }))).Configuration?.FunctionArn).toBe(`${FN}:1`);

    const missing = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: `${FN}:nope` })), ResourceNotFoundException);
    expect(missing.message).toBe(`Function not found: ${FN}:nope`);
    expect(missing.$metadata.httpStatusCode).toBe(404);
    await rejection(
      lambda.send(new GetFunctionCommand({ FunctionName: `arn:aws:lambda:${REGION}:999999999999:function:thumbnails` })),
      ResourceNotFoundException,
    );
    const twice = await rejection(
      lambda.send(new CreateFunctionCommand({ FunctionName: 'thumbnails', Role: 'r', Code: {} })),
      ResourceConflictException,
    );
    expect(twice.message).toBe('Function already exist: thumbnails');
    await rejection(
      lambda.send(new CreateAliasCommand({ FunctionName: 'thumbnails', Name: 'live', FunctionVersion: '1' })),
      ResourceConflictException,
    );
    await rejection(
      lambda.send(new CreateAliasCommand({ FunctionName: 'thumbnails', Name: 'next', FunctionVersion: '7' })),
      ResourceNotFoundException,
    );
  });

  it('adds, reads and removes permission statements per qualifier, refusing a duplicate statement id', async () => {
    await lambda.send(new CreateAliasCommand({ FunctionName: 'thumbnails', Name: 'live', FunctionVersion: '1' }));
    const noPolicy = await rejection(lambda.send(new GetPolicyCommand({ FunctionName: FN })), ResourceNotFoundException);
    expect(noPolicy.message).toBe('The resource you requested does not exist.');

    const input = {
      FunctionName: `${FN}:live`,
      StatementId: 'lattice',
      Action: 'lambda:InvokeFunction',
      Principal: 'vpc-lattice.amazonaws.com',
      SourceArn: TG,
    };
    const added = await lambda.send(new AddPermissionCommand(input));
    const statement = {
      Sid: 'lattice',
      Effect: 'Allow',
      Principal: { Service: 'vpc-lattice.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: `${FN}:live`,
      Condition: { ArnLike: { 'AWS:SourceArn': TG } },
    };
    expect(JSON.parse(added.Statement ?? '')).toEqual(statement);
    const duplicate = await rejection(lambda.send(new AddPermissionCommand(input)), ResourceConflictException);
    expect(duplicate.message).toBe(
      'The statement id (lattice) provided already exists. Please provide a new statement id, or remove the existing statement.',
    );
    expect(duplicate.$metadata.httpStatusCode).toBe(409);

    // The alias has its own policy; the unqualified function has none.
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'thumbnails', Qualifier: 'live' }));
    expect(JSON.parse(policy.Policy ?? '')).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [statement] });
    expect(policy.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
    await rejection(lambda.send(new GetPolicyCommand({ FunctionName: FN })), ResourceNotFoundException);

    await lambda.send(new RemovePermissionCommand({ FunctionName: `${FN}:live`, StatementId: 'lattice' }));
    const gone = await rejection(
      lambda.send(new RemovePermissionCommand({ FunctionName: `${FN}:live`, StatementId: 'lattice' })),
      ResourceNotFoundException,
    );
    expect(gone.message).toBe('Statement lattice is not found in resource policy.');
    await rejection(lambda.send(new AddPermissionCommand({ ...input, StatementId: 'bad id!' })), InvalidParameterValueException);
  });

  it('deletes a function with its policies, and shows functions in /_emulator/state', async () => {
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'thumbnails',
        StatementId: 's3',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
      }),
    );
    const state = (await h.admin.ok('GET', 'state')) as { lambdaFunctions: StateEntry[] };
    expect(state.lambdaFunctions).toEqual([
      {
        functionName: 'thumbnails',
        functionArn: FN,
        versions: ['$LATEST', '1'],
        aliases: {},
        policies: { $unqualified: [expect.objectContaining({ Sid: 's3', Principal: { Service: 's3.amazonaws.com' } })] },
      },
    ]);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: FN }));
    await rejection(lambda.send(new GetFunctionCommand({ FunctionName: FN })), ResourceNotFoundException);
    expect(((await h.admin.ok('GET', 'state')) as { lambdaFunctions: StateEntry[] }).lambdaFunctions).toEqual([]);
  });

  it('speaks the wire: URL-encoded ARNs in the path, the error type in x-amzn-errortype, Retry-After on throttling', async () => {
    const response = await fetch(`${h.emulator.endpoint}/2015-03-31/functions/${encodeURIComponent(`${FN}:nope`)}`, {
      headers: { authorization: SIGNED },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({ Type: 'User', Message: `Function not found: ${FN}:nope` });
    expect((await fetch(`${h.emulator.endpoint}/2015-03-31/functions/thumbnails`)).status).toBe(403);

    await h.admin.addFault({ operation: 'AddPermission', error: 'ThrottlingException' });
    await h.admin.addFault({ operation: 'GetPolicy', error: 'InternalServerException' });
    const throttled = await rejection(
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'thumbnails',
          StatementId: 'x',
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
        }),
      ),
      TooManyRequestsException,
    );
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect(throttled.retryAfterSeconds).toBe('1');
    expect(
      (await rejection(lambda.send(new GetPolicyCommand({ FunctionName: 'thumbnails' })), ServiceException)).$metadata.httpStatusCode,
    ).toBe(500);
    expect((await h.admin.calls()).byOperation).toMatchObject({ CreateFunction: 1, AddPermission: 1, GetPolicy: 1 });
  });

  it('lets HTTP listener rules forward to a LAMBDA target group, and refuses it on a TLS passthrough listener', async () => {
    const group = await h.lattice.send(
      new CreateTargetGroupCommand({ name: 'function', type: 'LAMBDA', config: { lambdaEventStructureVersion: 'V2' } }),
    );
    const service = await createService(h.lattice, 'shop', 'shop.example.com');
    const http = await createListener(h.lattice, service.id);
    await h.lattice.send(
      new CreateRuleCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: http.id,
        name: 'function',
        priority: 1,
        match: pathPrefix('/fn'),
        action: forwardTo(group.id ?? ''),
      }),
    );
    const refused = await rejection(
      h.lattice.send(
        new CreateListenerCommand({
          serviceIdentifier: service.id,
          name: 'tls',
          protocol: 'TLS_PASSTHROUGH',
          port: 443,
          defaultAction: forwardTo(group.id ?? ''),
        }),
      ),
      ValidationException,
    );
    expect(refused.message).toContain('A TLS_PASSTHROUGH listener cannot forward to a LAMBDA target group');
  });
});
