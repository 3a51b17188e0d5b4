import { initAll } from './govuk-frontend.min.js'

// GOV.UK Frontend writes a character count's numbers in the digits of its element's language; a page in Bengali
// writes every other number in Latin digits (Babel's, and every number put into a message), so the count asks for
// those too.
const { lang } = document.documentElement
if (lang !== 'en') {
  document.querySelectorAll('[data-module="govuk-character-count"]').forEach((count) => {
    count.lang = `${lang}-u-nu-latn`
  })
}

initAll()

// An element holding what someone wrote, marked with its language when that is not the page's, told by its script as
// engage.i18n.language_of tells it, so a screen reader reads it in that language's voice (WCAG 3.1.2).
const inOwnLanguage = (element, text) => {
  element.textContent = text
  const own = /[\u0980-\u09FF]/.test(text) ? 'bn' : /[A-Za-z]/.test(text) ? 'en' : null
  if (own && own !== lang) element.lang = own
  return element
}

// Proposals like the one being written, refreshed as the resident types the title and the problem.
const similar = document.querySelector('[data-similar-url]')
if (similar) {
  const list = similar.querySelector('ul')
  const fields = document.querySelectorAll('#title, #problem')
  let timer

  const show = (proposals) => {
    list.replaceChildren(...proposals.map((proposal) => {
      const item = document.createElement('li')
      const link = inOwnLanguage(document.createElement('a'), proposal.title)
      link.className = 'govuk-link'
      link.href = proposal.url
      item.append(link, ' (', inOwnLanguage(document.createElement('span'), proposal.reference), ')')
      return item
    }))
    similar.hidden = proposals.length === 0
  }

  const refresh = async () => {
    const typed = [similar.dataset.similarContext, ...Array.from(fields, (field) => field.value)].join(' ')
    const url = new URL(similar.dataset.similarUrl, window.location.origin)
    url.searchParams.set('q', typed.slice(0, 500))
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } })
      if (response.ok) show((await response.json()).proposals)
    } catch {
      // Offline or the server is busy: the page works without the suggestions.
    }
  }

  fields.forEach((field) => field.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(refresh, 400)
  }))
}

// What a person was typing, kept in this browser when their session ends so that it is back on the page after they
// sign in again: saved as a form is posted (if the session has ended, the answer is the "signed out" page) and when
// the timeout runs out; put back on the page it came from, once.
const TYPED = 'engage:typed'
const RESTORE = 'engage:restore'
const typedFields = (root) => Array.from(root.querySelectorAll('textarea, select, input'))
  .filter((field) => field.name && !['hidden', 'password', 'checkbox', 'radio', 'submit', 'file'].includes(field.type))

const saveTyped = (key, root) => {
  const fields = Object.fromEntries(typedFields(root).filter((field) => field.value).map((field) => [field.name, field.value]))
  if (Object.keys(fields).length) sessionStorage.setItem(key, JSON.stringify({ path: window.location.pathname, fields }))
}

const restoreTyped = () => {
  const saved = JSON.parse(sessionStorage.getItem(RESTORE) || 'null')
  if (!saved || saved.path !== window.location.pathname) return
  sessionStorage.removeItem(RESTORE)
  typedFields(document).forEach((field) => {
    if (field.name in saved.fields) field.value = saved.fields[field.name]
  })
}

if (document.querySelector('[data-session-ended]')) {
  // Posted after the session ended: what was posted is put back on its page after signing in again.
  const posted = sessionStorage.getItem(TYPED)
  if (posted) sessionStorage.setItem(RESTORE, posted)
} else {
  restoreTyped()
}
sessionStorage.removeItem(TYPED)
document.addEventListener('submit', (event) => {
  if (event.target.method === 'post') saveTyped(TYPED, event.target)
})

// The timeout warning (GOV.UK's pattern, WCAG 2.2.1): a modal dialog some minutes before a signed-in person's session
// ends; "Stay signed in" counts the session as used now. When the time runs out, what they typed is kept and the
// "signed out" page says what happened (or, if another tab kept the session alive, brings them back here).
const timeout = document.querySelector('[data-session-timeout]')
const warning = document.querySelector('[data-session-warning]')
if (timeout && warning) {
  const warnBefore = Number(timeout.dataset.warnBefore) * 1000
  let timers = []

  const end = () => {
    saveTyped(RESTORE, document)
    const ended = new URL(warning.dataset.endedUrl, window.location.origin)
    ended.searchParams.set('next', window.location.pathname + window.location.search)
    window.location.assign(ended)
  }

  const show = (extendable) => {
    warning.querySelectorAll('[data-when-extendable]').forEach((part) => { part.hidden = !extendable })
    warning.querySelectorAll('[data-when-final]').forEach((part) => { part.hidden = extendable })
    warning.setAttribute('aria-describedby', extendable ? 'session-warning-idle' : 'session-warning-final')
    if (!warning.open) warning.showModal()
  }

  const schedule = (endsIn, extendable) => {
    timers.forEach(clearTimeout)
    const left = endsIn * 1000
    // A second past the end, which the server counts in whole seconds less: asked too soon, the session lives on.
    timers = [setTimeout(() => show(extendable), Math.max(0, left - warnBefore)), setTimeout(end, left + 1000)]
  }

  const stay = async () => {
    warning.close()
    try {
      const response = await fetch(warning.dataset.extendUrl, {
        method: 'POST',
        headers: { 'X-CSRFToken': timeout.dataset.csrf, Accept: 'application/json' }
      })
      if (response.redirected || !response.ok) return end()
      const session = await response.json()
      schedule(session.ends_in, session.extendable)
    } catch {
      // Offline: the session ends as planned; what was typed is kept then.
    }
  }

  warning.querySelector('[data-stay]').addEventListener('click', stay)
  warning.querySelector('[data-close]').addEventListener('click', () => warning.close())
  // Escape closes a modal dialog: for the idle warning, that is staying signed in, as GOV.UK's pattern has it.
  warning.addEventListener('cancel', (event) => {
    if (!warning.querySelector('[data-stay]').hidden) {
      event.preventDefault()
      stay()
    }
  })
  schedule(Number(timeout.dataset.endsIn), timeout.dataset.extendable === '1')
}
