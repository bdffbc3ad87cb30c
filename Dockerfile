# One image for both apps; APP selects which one a container serves (idp or rp).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP=idp PORT=5001 WORKERS=
WORKDIR /srv/fedlab
COPY pyproject.toml README.md babel.cfg ./
COPY shared shared
COPY fedlab fedlab
COPY labkit labkit
COPY idp idp
COPY rp rp
RUN pip install --no-cache-dir . babel \
    && pybabel compile -f -d idp/translations -D messages \
    && pybabel compile -f -d rp/translations -D messages
EXPOSE 5001 5002
# Migrate this app's database (seeding the demo once), then serve it with gunicorn: gthread workers with
# keep-alive, one per CPU unless WORKERS is set (fedlab/gunicorn_conf.py).
CMD ["sh", "-c", "fedlab setup --only $APP && exec gunicorn --config python:fedlab.gunicorn_conf --logger-class labkit.access_log.MaskingLogger --bind 0.0.0.0:$PORT ${WORKERS:+--workers $WORKERS} \"$APP:create_app()\""]
