// Vue Router test app for tests/e2e/test_routers.py: docs/routers/vue-router.ts verbatim.
import { createApp, defineComponent, h } from 'vue';
import { createRouter, createWebHistory, RouterLink, RouterView } from 'vue-router';
import { trackPageViews } from '../../../docs/routers/vue-router';

const page = (title: string) => defineComponent({ render: () => h('h1', { id: 'heading' }, title) });

const router = createRouter({
  history: createWebHistory('/spa/vue/'),
  routes: [
    { path: '/', component: page('Home'), meta: { title: 'Home' } },
    { path: '/pricing', component: page('Pricing'), meta: { title: 'Pricing' } },
    { path: '/docs/:topic', component: page('Docs'), meta: { title: 'Docs' } },
    { path: '/old-docs', redirect: '/docs/setup' },
    { path: '/blocked', component: page('Blocked'), beforeEnter: () => false },
  ],
});

// Registered first, so the title is in place when the page view reads it.
router.afterEach((to) => { document.title = String(to.meta.title); });
trackPageViews(router);

const link = (id: string, to: string, text: string) => h(RouterLink, { id, to }, () => text);

const App = defineComponent({
  render: () => h('div', [
    h('nav', [
      link('home', '/', 'Home'), link('pricing', '/pricing', 'Pricing'),
      link('pro', '/pricing?plan=pro', 'Pro plan'), link('faq', '/pricing?plan=pro#faq', 'FAQ'),
      link('docs', '/docs/setup', 'Docs'), link('old-docs', '/old-docs', 'Old docs'),
      link('blocked', '/blocked', 'Blocked'),
    ]),
    h(RouterView),
  ]),
});

createApp(App).use(router).mount('#root');
