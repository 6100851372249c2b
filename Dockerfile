# herald: one image for every role (api, worker, all). It runs the compiled JavaScript: the
# TypeScript is built in the first stage, and the image that runs has no compiler or tsx in it.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# npm keeps a devDependency that a production package names as an optional peer (TypeScript via
# valibot, @types/luxon via ical-generator) and installs the pinned Node.js that `npm test` runs on
# other machines (this image has its own): nothing at run time loads them.
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/@typescript node_modules/@types node_modules/node-linux-* node_modules/.bin/node \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY messages ./messages
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--role", "all"]
