// The "new version available" prompt: the user decides when the page reloads into the new version.
export function showUpdateBanner(host: HTMLElement, activate: () => void): HTMLElement {
  host.querySelector('[data-testid="update-banner"]')?.remove();
  const banner = document.createElement('div');
  banner.className = 'banner update';
  banner.setAttribute('role', 'alert');
  banner.dataset.testid = 'update-banner';
  const text = document.createElement('span');
  text.textContent = 'A new version of Sentio is available.';
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload';
  reload.addEventListener('click', () => {
    reload.disabled = true;
    reload.textContent = 'Reloading…';
    activate();
  });
  const later = document.createElement('button');
  later.type = 'button';
  later.textContent = 'Later';
  later.addEventListener('click', () => banner.remove());
  banner.append(text, reload, later);
  host.prepend(banner);
  return banner;
}
