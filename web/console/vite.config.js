// Builds the organizer console into ../static/console, which the Go binary
// embeds. Names carry content hashes and nothing else varies between builds,
// so CI can rebuild and compare with what is committed.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

export default defineConfig({
  base: '/console/',
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
  ],
  build: {
    outDir: '../static/console',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        // go:embed skips files whose names start with "_" or ".", so no
        // chunk may be named that way (lodash's _baseClone would be).
        chunkFileNames: (c) => `assets/${c.name.replace(/^[_.]+/, '')}-[hash].js`,
        entryFileNames: 'assets/[name]-[hash].js',
        assetFileNames: (a) => `assets/${(a.name || 'asset').replace(/^[_.]+/, '')}`.replace(/\.(\w+)$/, '-[hash].$1'),
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          if (id.includes('node_modules/vue') || id.includes('node_modules/@vue/')) return 'vue';
          return undefined;
        },
      },
    },
  },
});
