import { html, type Html } from '../html.ts';
import { csrfField, type ViewContext } from './layout.ts';

export function loginPage(ctx: ViewContext, options: { error?: string; name?: string; noUsers: boolean }): Html {
  return html`<section class="login">
<h1>Sign in</h1>
${options.noUsers ? html`<p class="flash error">No users are configured: set HERALD_USERS_FILE (see docs/approval.md). The API still answers to HERALD_API_TOKEN.</p>` : ''}
${options.error ? html`<p class="flash error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/console/login" class="stacked">${csrfField(ctx)}
  <label for="name">Name</label><input id="name" name="name" autocomplete="username" required value="${options.name ?? ''}">
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" class="primary">Sign in</button>
</form>
</section>`;
}
