import { describe, expect, it } from "vitest";
import { needsRefresh, passwordSignIn, readAuthResult, refreshSignIn } from "./auth";

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
    expect(() => readAuthResult(200, { ChallengeName: "NEW_PASSWORD_REQUIRED" }, "o@x", null)).toThrow(/NEW_PASSWORD_REQUIRED/);
  });
});
