//! `domain_from_platform_type` from documented markers in the page. Each marker names what it
//! proves; none is guessed from wording. The markers:
//!
//! | marker | where | types |
//! |---|---|---|
//! | generator WordPress | `<meta name=generator>` | cms, blogs |
//! | generator Joomla, Drupal, TYPO3, Wix, Squarespace, Contao, Craft, Concrete, Umbraco | same | cms |
//! | generator Blogger, Ghost, Tumblr, Typepad, Movable Type, Hexo | same | blogs |
//! | generator Shopify, WooCommerce, Magento, PrestaShop, OpenCart, Shopware, BigCommerce | same | ecommerce |
//! | generator MediaWiki, DokuWiki, TiddlyWiki | same | wikis |
//! | generator phpBB, vBulletin, Discourse, XenForo, MyBB, SMF, Invision | same | message-boards |
//! | `/wp-content/`, `/wp-includes/` | any href/src | cms, blogs |
//! | `/sites/default/files/` (Drupal), `/media/jui/`, `/components/com_` (Joomla) | href/src | cms |
//! | `cdn.shopify.com`, `/skin/frontend/`, `/static/frontend/` (Magento) | href/src | ecommerce |
//! | `viewtopic.php`, `viewforum.php`, `showthread.php`, `forumdisplay.php` | href | message-boards |
//! | `mw-parser-output`, `mw-body` | class | wikis |
//! | `woocommerce` | class | ecommerce |
//! | `"NewsArticle"` | `<script type=application/ld+json>` | news |
//!
//! `organization` has no marker we trust and is never set.

const CMS: u8 = 1;
const BLOGS: u8 = 2;
const ECOMMERCE: u8 = 4;
const BOARDS: u8 = 8;
const WIKIS: u8 = 16;
const NEWS: u8 = 32;

const NAMES: [(u8, &str); 6] = [
    (CMS, "cms"),
    (BLOGS, "blogs"),
    (ECOMMERCE, "ecommerce"),
    (BOARDS, "message-boards"),
    (WIKIS, "wikis"),
    (NEWS, "news"),
];

const GENERATORS: &[(&str, u8)] = &[
    ("wordpress", CMS | BLOGS),
    ("joomla", CMS),
    ("drupal", CMS),
    ("typo3", CMS),
    ("wix", CMS),
    ("squarespace", CMS),
    ("contao", CMS),
    ("craft", CMS),
    ("concrete", CMS),
    ("umbraco", CMS),
    ("blogger", BLOGS),
    ("ghost", BLOGS),
    ("tumblr", BLOGS),
    ("typepad", BLOGS),
    ("movable type", BLOGS),
    ("hexo", BLOGS),
    ("shopify", ECOMMERCE),
    ("woocommerce", ECOMMERCE),
    ("magento", ECOMMERCE),
    ("prestashop", ECOMMERCE),
    ("opencart", ECOMMERCE),
    ("shopware", ECOMMERCE),
    ("bigcommerce", ECOMMERCE),
    ("mediawiki", WIKIS),
    ("dokuwiki", WIKIS),
    ("tiddlywiki", WIKIS),
    ("phpbb", BOARDS),
    ("vbulletin", BOARDS),
    ("discourse", BOARDS),
    ("xenforo", BOARDS),
    ("mybb", BOARDS),
    ("smf", BOARDS),
    ("simple machines", BOARDS),
    ("invision", BOARDS),
];

const URL_MARKERS: &[(&str, u8)] = &[
    ("/wp-content/", CMS | BLOGS),
    ("/wp-includes/", CMS | BLOGS),
    ("/sites/default/files/", CMS),
    ("/media/jui/", CMS),
    ("/components/com_", CMS),
    ("cdn.shopify.com", ECOMMERCE),
    ("/skin/frontend/", ECOMMERCE),
    ("/static/frontend/", ECOMMERCE),
    ("viewtopic.php", BOARDS),
    ("viewforum.php", BOARDS),
    ("showthread.php", BOARDS),
    ("forumdisplay.php", BOARDS),
];

const CLASS_MARKERS: &[(&str, u8)] = &[
    ("mw-parser-output", WIKIS),
    ("mw-body", WIKIS),
    ("woocommerce", ECOMMERCE),
];

/// The platform types seen so far on a page.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Platform(u8);

impl Platform {
    pub fn generator(&mut self, content: &str) {
        let c = content.to_ascii_lowercase();
        for (m, t) in GENERATORS {
            if c.contains(m) {
                self.0 |= t;
            }
        }
    }

    pub fn url(&mut self, value: &str) {
        for (m, t) in URL_MARKERS {
            if self.0 & t != *t && value.contains(m) {
                self.0 |= t;
            }
        }
    }

    pub fn class(&mut self, value: &str) {
        for (m, t) in CLASS_MARKERS {
            if self.0 & t != *t && value.contains(m) {
                self.0 |= t;
            }
        }
    }

    pub fn json_ld(&mut self, script: &str) {
        if script.contains("\"NewsArticle\"") {
            self.0 |= NEWS;
        }
    }

    pub fn names(self) -> Vec<String> {
        NAMES
            .iter()
            .filter(|(b, _)| self.0 & b != 0)
            .map(|(_, n)| n.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_map_to_types() {
        let mut p = Platform::default();
        p.generator("WordPress 6.4.2");
        p.url("https://shop.example/cdn.shopify.com/x.js");
        assert_eq!(p.names(), ["cms", "blogs", "ecommerce"]);
        let mut q = Platform::default();
        q.class("mw-parser-output");
        q.json_ld(r#"{"@type":"NewsArticle"}"#);
        assert_eq!(q.names(), ["wikis", "news"]);
        assert!(Platform::default().names().is_empty());
    }
}
