# pressdesk: one image for web and worker processes.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs prepare (scripts/build.js), which skips without the dev dependencies: the image runs the sources via tsx.
COPY scripts ./scripts
COPY bin ./bin
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY workers ./workers
COPY templates ./templates
USER node
ENV HOST=0.0.0.0 PORT=3000 PRESSDESK_DATA_DIR=/home/node/data
EXPOSE 3000
# A larger young generation: polls in flight keep their feeds alive across collections (docs/ingestion.md).
ENTRYPOINT ["node", "--max-semi-space-size=64", "bin/pressdesk.js"]
CMD ["start"]
