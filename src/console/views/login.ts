import { html, type Html } from '../html.ts';
import { csrfField, type ViewContext } from './layout.ts';

export function loginPage(ctx: ViewContext, options: { error?: string; name?: string; noUsers: boolean }): Html {
  const { t } = ctx.tr;
  return html`<section class="login">
<h1>${t('login.title')}</h1>
${options.noUsers ? html`<p class="flash error">${t('login.noUsers')}</p>` : ''}
${options.error ? html`<p class="flash error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/console/login" class="stacked">${csrfField(ctx)}
  <label for="name">${t('login.name')}</label><input id="name" name="name" autocomplete="username" required value="${options.name ?? ''}">
  <label for="password">${t('login.password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" class="primary">${t('login.submit')}</button>
</form>
</section>`;
}
