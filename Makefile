# The two commands a newcomer needs: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := engage

.PHONY: run test install assets translations lint

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

engage/static/engage.css: node_modules/.installed engage/assets/engage.scss engage/assets/app.js engage/assets/favicon.svg
	mkdir -p engage/static
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js engage/assets/app.js engage/assets/favicon.svg engage/static/
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		engage/assets/engage.scss engage/static/engage.css

install: $(BIN)/.installed
assets: engage/static/engage.css
translations: install
	$(BIN)/pybabel compile --statistics -d engage/translations

# After adding or changing a marked string: refresh the template (committed, so string changes show in review) and
# merge it into the Bengali catalog. New strings arrive untranslated; tests/test_translations.py lists them until
# each has a Bengali msgstr. Keep the -k keywords in step with EXTRA_KEYWORDS in that test.
.PHONY: messages
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
		-k lazy_npgettext:1c,2,3 --add-comments=Translators: -o engage/translations/messages.pot .
	$(BIN)/pybabel update -i engage/translations/messages.pot -d engage/translations -l bn --no-fuzzy-matching --ignore-obsolete \
		--init-missing

run: install assets translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask demo
	@echo "Engage: http://127.0.0.1:5000   (mail: http://127.0.0.1:5000/dev/mail/)"
	bin/web-and-worker $(BIN)/celery -A worker.app worker --beat --loglevel=info --concurrency=2 \
		-- $(BIN)/flask run --host 127.0.0.1 --port 5000

test: install assets translations
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check engage worker tests bench
	$(BIN)/ruff format --check engage worker tests bench
