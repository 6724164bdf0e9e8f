import {
  type LoginFailure,
  login,
  redirect,
  safeNext,
  useActionData,
  useRequest,
  useUser,
} from "vango";

export const title = "Sign in";

/** POST /login: with JavaScript off a 303 to `next` (or /account), else this page again. */
export const action = login;

const MESSAGES: Record<LoginFailure["error"], string> = {
  missing: "Please enter your user name and password.",
  credentials: "Unknown user name or wrong password.",
  throttled: "Too many failed attempts. Please wait and try again.",
};

/** The sign-in form; already signed in, it goes straight on to `next`. */
export default function LoginPage() {
  const req = useRequest();
  if (useUser().peek() !== undefined) redirect(safeNext(req.query.get("next"), "/notes"));
  const failed = useActionData<LoginFailure>();
  return () => (
    <>
      <h2>Sign in</h2>
      <form method="post" data-testid="login-form">
        <label for="login-username">User name</label>
        <input
          id="login-username"
          name="username"
          autocomplete="username"
          value={failed()?.username ?? ""}
          required
        />
        <label for="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Sign in</button>
        <p data-testid="login-error" role="alert">
          {failed() === undefined ? "" : MESSAGES[failed()!.error]}
        </p>
      </form>
    </>
  );
}
