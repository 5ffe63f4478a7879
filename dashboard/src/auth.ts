// Sign-in against the user pool straight from the browser (Cognito's InitiateAuth; cognito-local locally),
// as the API's tests get their tokens. The API only ever sees the access token.

export interface DashboardConfig {
  region: string;
  cognitoUrl: string;
  clientId: string;
}

export interface Session {
  email: string;
  accessToken: string;
  refreshToken: string | null;
  /** Epoch milliseconds after which the access token is no longer accepted. */
  expiresAt: number;
}

export interface AuthRequest {
  url: string;
  init: RequestInit;
}

const TARGET = "AWSCognitoIdentityProviderService.InitiateAuth";
const RESPOND = "AWSCognitoIdentityProviderService.RespondToAuthChallenge";

/** The InitiateAuth call for an email and password (USER_PASSWORD_AUTH, allowed for the dashboard's client). */
export function passwordSignIn(config: DashboardConfig, email: string, password: string): AuthRequest {
  return call(config, {
    ClientId: config.clientId,
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: email.trim(), PASSWORD: password },
  });
}

/** A fresh access token from the refresh token, so a long shift is not signed out every hour. */
export function refreshSignIn(config: DashboardConfig, refreshToken: string): AuthRequest {
  return call(config, {
    ClientId: config.clientId,
    AuthFlow: "REFRESH_TOKEN_AUTH",
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });
}

/** The answer to NEW_PASSWORD_REQUIRED: the password the person chose, within the session Cognito gave. */
export function newPasswordResponse(config: DashboardConfig, challenge: NewPasswordChallenge, newPassword: string): AuthRequest {
  return call(
    config,
    {
      ClientId: config.clientId,
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
      Session: challenge.session,
    },
    RESPOND,
  );
}

function call(config: DashboardConfig, body: unknown, target = TARGET): AuthRequest {
  return {
    url: config.cognitoUrl,
    init: {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target },
      body: JSON.stringify(body),
    },
  };
}

/**
 * A person created by an admin (a staff invitation, an owner's sign-up in AWS) signs in first with Cognito's
 * temporary password; Cognito then asks for a password of their own before it gives any token.
 */
export interface NewPasswordChallenge {
  username: string;
  session: string;
}

/** The NEW_PASSWORD_REQUIRED challenge in InitiateAuth's answer, if that is what it is. */
export function readNewPasswordChallenge(status: number, body: unknown, email: string): NewPasswordChallenge | null {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (status < 200 || status >= 300 || b.ChallengeName !== "NEW_PASSWORD_REQUIRED" || typeof b.Session !== "string") return null;
  // Cognito answers to the user's own name (its sub when email is only the sign-in alias).
  const parameters = (b.ChallengeParameters ?? {}) as Record<string, unknown>;
  const username = typeof parameters.USER_ID_FOR_SRP === "string" && parameters.USER_ID_FOR_SRP ? parameters.USER_ID_FOR_SRP : email.trim();
  return { username, session: b.Session };
}

/** The pool's rules (cdk/Stacks/IdentityStack.cs; cognito-local enforces none), said before anyone trips on them. */
export const PASSWORD_RULES = "At least 12 characters, with an upper-case letter, a lower-case letter, a digit and a symbol.";

/**
 * A sign-in step refused because of one field ("newPassword", "confirm"), because the challenge's session is over
 * ("session": back to the sign-in), or for no field at all (null).
 */
export class AuthFieldError extends Error {
  constructor(
    readonly field: "newPassword" | "confirm" | "session" | null,
    message: string,
  ) {
    super(message);
  }
}

/** The form's own checks of a new password, as the pool would judge it, before anything is sent. */
export function checkNewPassword(password: string, confirm: string): AuthFieldError | null {
  const missing = [
    password.length < 12 ? "at least 12 characters" : null,
    /[A-Z]/.test(password) ? null : "an upper-case letter",
    /[a-z]/.test(password) ? null : "a lower-case letter",
    /[0-9]/.test(password) ? null : "a digit",
    /[^A-Za-z0-9]/.test(password) ? null : "a symbol",
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) return new AuthFieldError("newPassword", `The password needs ${joinAnd(missing)}.`);
  if (password !== confirm) return new AuthFieldError("confirm", "The two passwords are not the same.");
  return null;
}

function joinAnd(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * RespondToAuthChallenge's answer: a session as a sign-in gives, or an AuthFieldError naming the field at fault.
 * An expired session (Cognito gives three minutes) has no field: the person signs in again with the temporary password.
 */
export function readNewPasswordResult(status: number, body: unknown, email: string, now = Date.now()): Session {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300) return readAuthResult(status, body, email, null, now);
  const type = String(b.__type ?? b.code ?? "").split("#").pop() ?? "";
  const message = typeof b.message === "string" ? b.message : "";
  if (type === "InvalidPasswordException") {
    // Cognito says which rule: "Password does not conform to policy: Password not long enough".
    const reason = message.replace(/^Password does not conform to policy:\s*/i, "").trim();
    // The rules themselves are already the field's hint.
    throw new AuthFieldError("newPassword", reason ? `The sign-in service refused this password: ${reason}.` : "The sign-in service refused this password.");
  }
  if (type === "NotAuthorizedException" || type === "CodeMismatchException" || type === "ExpiredCodeException") {
    throw new AuthFieldError("session", "This sign-in has expired. Sign in again with the password from your invitation.");
  }
  try {
    return readAuthResult(status, body, email, null, now);
  } catch (e) {
    throw new AuthFieldError(null, (e as Error).message);
  }
}

/** Turns Cognito's answer into a session, or throws an Error whose message a person can act on. */
export function readAuthResult(status: number, body: unknown, email: string, previous: Session | null, now = Date.now()): Session {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300) {
    const result = b.AuthenticationResult as Record<string, unknown> | undefined;
    if (result && typeof result.AccessToken === "string") {
      const seconds = typeof result.ExpiresIn === "number" ? result.ExpiresIn : 3600;
      return {
        email,
        accessToken: result.AccessToken,
        refreshToken: typeof result.RefreshToken === "string" ? result.RefreshToken : (previous?.refreshToken ?? null),
        expiresAt: now + seconds * 1000,
      };
    }
    if (typeof b.ChallengeName === "string") {
      throw new Error(`This account must complete a step this page does not offer (${b.ChallengeName}).`);
    }
    throw new Error("The sign-in service gave an answer this page does not understand.");
  }
  // Cognito names the error in __type ("…#NotAuthorizedException" or bare).
  const type = String(b.__type ?? b.code ?? "").split("#").pop() ?? "";
  // Cognito says NotAuthorized for a wrong password; cognito-local says InvalidPassword.
  if (type === "NotAuthorizedException" || type === "UserNotFoundException" || type === "InvalidPasswordException") {
    return fail("Wrong email or password.");
  }
  if (type === "UserNotConfirmedException") return fail("Confirm your email address first (see the email we sent).");
  if (type === "PasswordResetRequiredException") return fail("Your password must be reset before you can sign in.");
  if (type === "TooManyRequestsException" || type === "LimitExceededException") return fail("Too many attempts; wait a minute and try again.");
  return fail(status === 0 ? "Could not reach the sign-in service." : `Sign-in failed (HTTP ${status}).`);
}

function fail(message: string): never {
  throw new Error(message);
}

/** Whether the token should be refreshed before the next call (a minute of margin for clock skew). */
export function needsRefresh(session: Session, now = Date.now()): boolean {
  return session.expiresAt - now < 60_000;
}
