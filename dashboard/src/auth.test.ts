import { describe, expect, it } from "vitest";
import {
  AuthFieldError,
  checkNewPassword,
  needsRefresh,
  newPasswordResponse,
  passwordSignIn,
  readAuthResult,
  readNewPasswordChallenge,
  readNewPasswordResult,
  refreshSignIn,
} from "./auth";

const config = { region: "eu-west-2", cognitoUrl: "https://cognito-idp.eu-west-2.amazonaws.com/", clientId: "client-1" };

describe("sign-in against the user pool", () => {
  it("asks InitiateAuth with the dashboard's client, the trimmed email and the password", () => {
    const { url, init } = passwordSignIn(config, "  owner@demo.example ", "Demo-passw0rd!");
    expect(url).toBe(config.cognitoUrl);
    expect((init.headers as Record<string, string>)["X-Amz-Target"]).toBe("AWSCognitoIdentityProviderService.InitiateAuth");
    expect(JSON.parse(init.body as string)).toEqual({
      ClientId: "client-1",
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "owner@demo.example", PASSWORD: "Demo-passw0rd!" },
    });
  });

  it("keeps the access token and when it expires", () => {
    const s = readAuthResult(200, { AuthenticationResult: { AccessToken: "a", RefreshToken: "r", ExpiresIn: 3600 } }, "o@x", null, 1000);
    expect(s).toEqual({ email: "o@x", accessToken: "a", refreshToken: "r", expiresAt: 1000 + 3_600_000 });
    expect(needsRefresh(s, 1000)).toBe(false);
    expect(needsRefresh(s, 1000 + 3_550_000)).toBe(true);
  });

  it("keeps the refresh token a refresh does not send again", () => {
    const first = readAuthResult(200, { AuthenticationResult: { AccessToken: "a", RefreshToken: "r", ExpiresIn: 60 } }, "o@x", null);
    const next = readAuthResult(200, { AuthenticationResult: { AccessToken: "b", ExpiresIn: 60 } }, "o@x", first);
    expect(next.refreshToken).toBe("r");
    expect(JSON.parse(refreshSignIn(config, "r").init.body as string).AuthFlow).toBe("REFRESH_TOKEN_AUTH");
  });

  it("says wrong email or password without telling which", () => {
    expect(() => readAuthResult(400, { __type: "NotAuthorizedException", message: "Incorrect username or password." }, "o@x", null)).toThrow(
      "Wrong email or password.",
    );
    expect(() => readAuthResult(400, { __type: "com.amazon#UserNotFoundException" }, "o@x", null)).toThrow("Wrong email or password.");
    expect(() => readAuthResult(400, { __type: "InvalidPasswordException", message: "Invalid password" }, "o@x", null)).toThrow("Wrong email or password.");
    expect(() => readAuthResult(0, null, "o@x", null)).toThrow("Could not reach the sign-in service.");
  });

  it("does not pretend a challenge is a session", () => {
    expect(() => readAuthResult(200, { ChallengeName: "SMS_MFA" }, "o@x", null)).toThrow(/SMS_MFA/);
  });
});

describe("first sign-in with a temporary password", () => {
  // As Cognito answers InitiateAuth for a user in FORCE_CHANGE_PASSWORD (an invited member, an owner signed up in AWS).
  const challengeAnswer = {
    ChallengeName: "NEW_PASSWORD_REQUIRED",
    ChallengeParameters: { USER_ID_FOR_SRP: "3f1c-sub", requiredAttributes: "[]", userAttributes: "{}" },
    Session: "session-1",
  };

  it("recognises NEW_PASSWORD_REQUIRED and nothing else as the new-password step", () => {
    expect(readNewPasswordChallenge(200, challengeAnswer, " kim@x ")).toEqual({ username: "3f1c-sub", session: "session-1" });
    expect(readNewPasswordChallenge(200, { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "s" }, " kim@x ")).toEqual({ username: "kim@x", session: "s" });
    expect(readNewPasswordChallenge(200, { ChallengeName: "EMAIL_OTP", Session: "s" }, "kim@x")).toBeNull();
    expect(readNewPasswordChallenge(200, { AuthenticationResult: { AccessToken: "a" } }, "kim@x")).toBeNull();
    expect(readNewPasswordChallenge(400, { __type: "NotAuthorizedException" }, "kim@x")).toBeNull();
  });

  it("answers the challenge with RespondToAuthChallenge, the user, the new password and Cognito's session", () => {
    const { url, init } = newPasswordResponse(config, { username: "3f1c-sub", session: "session-1" }, "Kayak-harbour-9!");
    expect(url).toBe(config.cognitoUrl);
    expect((init.headers as Record<string, string>)["X-Amz-Target"]).toBe("AWSCognitoIdentityProviderService.RespondToAuthChallenge");
    expect(JSON.parse(init.body as string)).toEqual({
      ClientId: "client-1",
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ChallengeResponses: { USERNAME: "3f1c-sub", NEW_PASSWORD: "Kayak-harbour-9!" },
      Session: "session-1",
    });
  });

  it("checks the pool's rules and the confirmation before sending, naming the field at fault", () => {
    const short = checkNewPassword("Ab1!", "Ab1!");
    expect(short?.field).toBe("newPassword");
    expect(short?.message).toBe("The password needs at least 12 characters.");
    expect(checkNewPassword("kayakharbour", "kayakharbour")?.message).toBe("The password needs an upper-case letter, a digit and a symbol.");
    const mismatch = checkNewPassword("Kayak-harbour-9!", "Kayak-harbour-9?");
    expect(mismatch?.field).toBe("confirm");
    expect(mismatch?.message).toBe("The two passwords are not the same.");
    expect(checkNewPassword("Kayak-harbour-9!", "Kayak-harbour-9!")).toBeNull();
  });

  it("turns the tokens into a session as a sign-in does", () => {
    const s = readNewPasswordResult(200, { ChallengeParameters: {}, AuthenticationResult: { AccessToken: "a", RefreshToken: "r", ExpiresIn: 3600 } }, "kim@x", 1000);
    expect(s).toEqual({ email: "kim@x", accessToken: "a", refreshToken: "r", expiresAt: 1000 + 3_600_000 });
  });

  function refusal(status: number, body: unknown): AuthFieldError {
    try {
      readNewPasswordResult(status, body, "kim@x");
    } catch (e) {
      expect(e).toBeInstanceOf(AuthFieldError);
      return e as AuthFieldError;
    }
    throw new Error("no refusal");
  }

  it("puts Cognito's password refusal under the new password, with its reason", () => {
    const e = refusal(400, { __type: "InvalidPasswordException", message: "Password does not conform to policy: Password must have symbol characters" });
    expect(e.field).toBe("newPassword");
    expect(e.message).toBe("The sign-in service refused this password: Password must have symbol characters.");
    expect(refusal(400, { __type: "InvalidPasswordException" }).message).toBe("The sign-in service refused this password.");
  });

  it("sends the person back to sign in when the challenge's session is over", () => {
    const e = refusal(400, { __type: "NotAuthorizedException", message: "Invalid session for the user, session is expired." });
    expect(e.field).toBe("session");
    expect(e.message).toBe("This sign-in has expired. Sign in again with the password from your invitation.");
  });

  it("has no field for an unreachable service or throttling", () => {
    expect(refusal(0, null)).toMatchObject({ field: null, message: "Could not reach the sign-in service." });
    expect(refusal(400, { __type: "TooManyRequestsException" })).toMatchObject({ field: null, message: "Too many attempts; wait a minute and try again." });
  });
});
