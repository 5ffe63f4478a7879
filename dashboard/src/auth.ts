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

function call(config: DashboardConfig, body: unknown): AuthRequest {
  return {
    url: config.cognitoUrl,
    init: {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET },
      body: JSON.stringify(body),
    },
  };
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
      throw new Error(`This account must complete a step first (${b.ChallengeName}); use the link in your invitation email.`);
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
