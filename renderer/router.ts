/** Routes (hash history, the same in Electron and a browser): control, screen, prompter, sessions, recap, period reports. */
import { createRouter, createWebHashHistory } from 'vue-router';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/control' },
    { path: '/control', name: 'control', component: () => import('./pages/ControlPage.vue'), meta: { titleKey: 'nav.control' } },
    { path: '/screen', name: 'screen', component: () => import('./pages/ScreenPage.vue'), meta: { titleKey: 'nav.screen' } },
    { path: '/prompter', name: 'prompter', component: () => import('./pages/PrompterPage.vue'), meta: { titleKey: 'nav.prompter' } },
    { path: '/remote', name: 'remote', component: () => import('./pages/PhoneRemotePage.vue'), meta: { titleKey: 'phone.title' } },
    { path: '/sessions', name: 'sessions', component: () => import('./pages/SessionsPage.vue'), meta: { titleKey: 'nav.sessions' } },
    { path: '/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue'), meta: { titleKey: 'reports.title' } },
    { path: '/recap/:sessionId', name: 'recap', component: () => import('./pages/RecapPage.vue'), props: true, meta: { titleKey: 'recap.title' } },
    { path: '/:rest(.*)*', redirect: '/control' },
  ],
});
