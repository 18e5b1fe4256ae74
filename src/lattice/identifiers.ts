/**
 * Identifiers sent to Lattice come from Lattice answers and from annotations anyone can edit. An
 * identifier that is neither a Lattice id nor a Lattice ARN cannot name a resource (Lattice would
 * refuse it with a ValidationException, and some cannot even be put in a URL): it is answered
 * here as not found, so that every reader's "absent" path takes it, and it never reaches AWS.
 */

const ID = '[a-z]{2,10}-[0-9a-z]{17}';
const LATTICE_ID = new RegExp(`^${ID}$`);
const LATTICE_ARN = new RegExp(`^arn:[a-z0-9-]+:vpc-lattice:[a-zA-Z0-9-]+:\\d{12}:[a-z]+/${ID}(/[a-z]+/${ID})*$`);

/** The members of Lattice inputs that name a Lattice resource (a VPC is not one). */
function namesLatticeResource(member: string): boolean {
  return (member.endsWith('Identifier') && member !== 'vpcIdentifier') || member === 'resourceArn';
}

export function isLatticeIdentifier(value: string): boolean {
  return value.length <= 2048 && (LATTICE_ID.test(value) || LATTICE_ARN.test(value));
}

/** What an impossible identifier gets: the error Lattice gives a resource that does not exist. */
export class ImpossibleIdentifierError extends Error {
  constructor(member: string) {
    super(`${member} is not a VPC Lattice id or ARN, so no such resource exists`);
    this.name = 'ResourceNotFoundException';
  }
}

/** Throws ImpossibleIdentifierError when an identifier of a Lattice input cannot exist. */
export function checkIdentifiers(input: object): void {
  for (const [member, value] of Object.entries(input)) {
    // A number or an object where an identifier goes came from an edited record as well.
    if (namesLatticeResource(member) && value !== undefined && (typeof value !== 'string' || !isLatticeIdentifier(value))) {
      throw new ImpossibleIdentifierError(member);
    }
  }
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: { input: object }) => Promise<unknown>) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Checks the identifiers of every command the client sends, before it is serialized: a check
 * on the client itself, so that no operation, present or added later, can skip it.
 */
export function refuseImpossibleIdentifiers<C>(client: C): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next) => (args) => {
      checkIdentifiers(args.input);
      return next(args);
    },
    { step: 'initialize', name: 'refuseImpossibleIdentifiers' },
  );
  return client;
}
