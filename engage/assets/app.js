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

// Proposals like the one being written, refreshed as the resident types the title and the problem.
const similar = document.querySelector('[data-similar-url]')
if (similar) {
  const list = similar.querySelector('ul')
  const fields = document.querySelectorAll('#title, #problem')
  let timer

  const show = (proposals) => {
    list.replaceChildren(...proposals.map((proposal) => {
      const item = document.createElement('li')
      const link = document.createElement('a')
      link.className = 'govuk-link'
      link.href = proposal.url
      link.textContent = proposal.title
      item.append(link, ` (${proposal.reference})`)
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
